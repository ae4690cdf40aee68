package check

import (
	"context"
	"path"
	"strings"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

// server is what a container's command says about the Python server it
// runs (projectscan.ReadShutdown over the command line, its env's
// GUNICORN_CMD_ARGS and the project's gunicorn config), and whether the
// command came from the project rather than the manifest.
type server struct {
	projectscan.Shutdown
	fromProject string // "Dockerfile CMD" when the project's command stands in
}

func (k *kubeCheck) server(ctx context.Context, o k8syaml.Object, c container) (server, error) {
	argv, fromProject := k.argv(o, c)
	if sh := shellWrapped(argv); sh != nil {
		argv = sh
	}
	if len(argv) == 0 {
		return server{}, nil
	}
	root := "" // no project: only the command line and env count
	if k.p.isProject {
		root = k.p.dir
	}
	sd, err := projectscan.ReadShutdown(ctx, root, argv, containerEnv(c))
	srv := server{Shutdown: sd}
	if fromProject && sd.Server != "" {
		srv.fromProject = k.svc.Command.From
	}
	return srv, err
}

// argv is the command a container runs, from its command and args; when
// it sets neither (or only args) and its image is the checked project's,
// the project's own entrypoint and command fill in (projectscan).
func (k *kubeCheck) argv(o k8syaml.Object, c container) (argv []string, fromProject bool) {
	cmd, args := k8syaml.Strs(k8syaml.Get(c.node, "command")), k8syaml.Strs(k8syaml.Get(c.node, "args"))
	if len(cmd) > 0 {
		return append(cmd, args...), false
	}
	if k.svc == nil || !k.projectImage(o, c) {
		return args, false
	}
	ep := k.svc.Command.Entrypoint
	if len(args) > 0 {
		return append(append([]string{}, ep...), args...), true
	}
	return append(append([]string{}, ep...), k.svc.Command.Cmd...), true
}

// projectImage reports whether the container runs the checked project's
// image: its repository's last path element is the project's name, or,
// for a manifest inside the project, the workload's name (gcr.io/…/polls
// in the polls Deployment beside the Dockerfile). Not the container's
// name: sidecars are named after their images (cloud-sql-proxy), and not
// a Docker Hub library image (redis in a Deployment named redis).
func (k *kubeCheck) projectImage(o k8syaml.Object, c container) bool {
	if k.svc == nil {
		return false
	}
	repo := parseImageRef(k8syaml.Str(k8syaml.Get(c.node, "image"))).Repo
	name := path.Base(repo)
	if name == "" || name == "." {
		return false
	}
	inside := o.File != StdinName && k.p.isInside(o.File)
	return name == k.svc.Name || inside && strings.Contains(repo, "/") && name == o.Name
}

// containerEnv is the container's literal env values (valueFrom entries
// are unknown and left out).
func containerEnv(c container) map[string]string {
	env := map[string]string{}
	for _, e := range k8syaml.Items(k8syaml.Get(c.node, "env")) {
		if v := k8syaml.Get(e, "value"); v != nil {
			env[k8syaml.Str(k8syaml.Get(e, "name"))] = k8syaml.Str(v)
		}
	}
	return env
}

// quoteArgv renders argv for a message.
func quoteArgv(argv []string) string {
	s := strings.Join(argv, " ")
	if len(s) > 80 {
		s = s[:77] + "…"
	}
	return s
}
