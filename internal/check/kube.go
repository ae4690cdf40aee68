package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

// StdinName is the file name findings from a manifest stream on standard
// input carry.
const StdinName = "stdin"

// manifestSource is where the Kubernetes manifests come from: a directory
// or a stream (stdin).
type manifestSource struct {
	dir    string
	stream io.Reader
}

// WithManifests adds the Kubernetes manifest rules (PW408, PW5xx) over the
// YAML files under dir (a directory or a single file).
func WithManifests(dir string) Option {
	return func(o *options) { o.manifests = append(o.manifests, manifestSource{dir: dir}) }
}

// WithManifestStream adds the manifest rules over a stream of YAML
// documents (kustomize build or helm template output); findings name the
// file StdinName.
func WithManifestStream(r io.Reader) Option {
	return func(o *options) { o.manifests = append(o.manifests, manifestSource{stream: r}) }
}

// workload is one object that runs pods, with what the rules need.
type workload struct {
	obj        k8syaml.Object
	spec       *k8syaml.Node // pod spec
	podLabels  map[string]string
	containers []container
}

// container is one container of a pod spec.
type container struct {
	node *k8syaml.Node
	name string
	init bool
	line int
}

// at returns the line of key in the container (its own line when absent).
func (c container) at(key string) int {
	if n := k8syaml.Get(c.node, key); n != nil {
		return k8syaml.KeyLine(c.node, key)
	}
	return c.line
}

// kubeCheck is the state the manifest rules share.
type kubeCheck struct {
	p         *project
	r         *Report
	objs      []k8syaml.Object
	workloads []workload
	// svc is the checked project as projectscan reads it (nil when it is
	// no Python project): its name and command stand in for a container
	// of its image that sets no command.
	svc      *projectscan.Service
	services *[]serviceSelector // see serviceSelectors
}

// checkManifests runs the manifest rules over every manifest source.
func checkManifests(ctx context.Context, p *project, r *Report) error {
	var objs []k8syaml.Object
	for _, src := range p.manifests {
		var got []k8syaml.Object
		var err error
		if src.stream != nil {
			var data []byte
			data, err = io.ReadAll(io.LimitReader(src.stream, maxManifestBytes+1))
			if err == nil && len(data) > maxManifestBytes {
				err = inputerr.At(StdinName, 0, 0, "more than %d bytes of manifests", maxManifestBytes)
			}
			if err == nil {
				p.files[StdinName] = data
				got, err = k8syaml.Read(StdinName, data)
			}
		} else {
			got, err = readManifestDir(ctx, p, src.dir)
		}
		if err != nil {
			return placed(p, err)
		}
		objs = append(objs, got...)
	}
	k := &kubeCheck{p: p, r: r, objs: objs}
	if p.isProject {
		k.svc = p.scan(ctx)
	}
	for _, o := range objs {
		if spec, ok := k8syaml.PodSpec(o); ok {
			k.workloads = append(k.workloads, newWorkload(o, spec))
		}
	}
	for _, o := range objs {
		if o.Kind == "Release" && o.Group() == "pinwheel.dev" {
			k.release(o)
		}
	}
	for _, w := range k.workloads {
		if err := k.workload(ctx, w); err != nil {
			return err
		}
	}
	k.disruptionBudgets()
	return nil
}

// maxManifestBytes bounds a manifest stream.
const maxManifestBytes = 64 << 20

func newWorkload(o k8syaml.Object, spec *k8syaml.Node) workload {
	w := workload{obj: o, spec: spec, podLabels: k8syaml.Labels(k8syaml.PodMeta(o))}
	for _, key := range []string{"initContainers", "containers"} {
		for _, n := range k8syaml.Items(k8syaml.Get(spec, key)) {
			if !k8syaml.IsMapping(n) {
				continue
			}
			w.containers = append(w.containers, container{node: n, name: k8syaml.Str(k8syaml.Get(n, "name")),
				init: key == "initContainers", line: n.Line})
		}
	}
	return w
}

// placedError is an input error whose path is already as the user would
// find it (Run's inDir leaves it alone).
type placedError struct{ error }

func (e placedError) Unwrap() error { return e.error }

// placed makes a manifest input error name its file as the user does: a
// file inside the project by its path from the working directory, stdin
// and files outside the project as named.
func placed(p *project, err error) error {
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		return err
	}
	if ie.Path != StdinName && !filepath.IsAbs(ie.Path) && p.isInside(ie.Path) {
		ie.Path = filepath.Join(p.dir, filepath.FromSlash(ie.Path))
	}
	return placedError{err}
}

// isInside reports whether the slash path rel (relative to the project)
// names a file of the project.
func (p *project) isInside(rel string) bool {
	_, err := os.Stat(filepath.Join(p.dir, filepath.FromSlash(rel)))
	return filepath.IsLocal(filepath.FromSlash(rel)) && err == nil
}

// readManifestDir reads the manifests under dir (or the file dir) and keeps
// each file's text for suppressions.
func readManifestDir(ctx context.Context, p *project, dir string) ([]k8syaml.Object, error) {
	objs, files, err := k8syaml.ReadDir(ctx, p.dir, dir)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		p.files[name] = data
	}
	return objs, nil
}

// add records a finding about object o at line; a suppression above the
// object's first line covers it too.
func (k *kubeCheck) add(id string, o k8syaml.Object, line int, format string, args ...any) *Finding {
	if line == 0 {
		line = o.Line
	}
	f := k.r.add(id, o.File, line, "%s", k.subject(o)+fmt.Sprintf(format, args...))
	f.instrLine = o.Line
	return f
}

// subject names the object a message is about: "Deployment web: ", with
// the helm template it came from.
func (k *kubeCheck) subject(o k8syaml.Object) string {
	s := o.Kind + " " + o.Name
	if o.Source != "" {
		s += " (" + o.Source + ")"
	}
	return s + ": "
}

// workload runs the per-container rules on one workload.
func (k *kubeCheck) workload(ctx context.Context, w workload) error {
	served := k.served(w)
	for _, c := range w.containers {
		srv, err := k.server(ctx, w.obj, c)
		if err != nil {
			return err
		}
		k.image(w.obj, c)
		k.resources(w.obj, c)
		k.security(w, c, srv)
		k.envSecrets(w.obj, c)
		if c.init || !k8syaml.LongRunning(w.obj) {
			continue
		}
		k.execForm(w.obj, c)
		k.probes(w.obj, c, served)
		k.shutdown(w, c, srv, served)
	}
	return nil
}

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

// served reports whether traffic reaches the workload's pods: a container
// declares ports or a Service in the manifests selects the pods.
func (k *kubeCheck) served(w workload) bool {
	for _, c := range w.containers {
		if !c.init && k8syaml.Get(c.node, "ports") != nil {
			return true
		}
	}
	for _, svc := range k.serviceSelectors() {
		if !sameNamespace(svc.obj, w.obj) {
			continue
		}
		match := true
		for key, v := range svc.sel {
			if w.podLabels[key] != v {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// serviceSelector is a Service with its (non-empty) pod selector.
type serviceSelector struct {
	obj k8syaml.Object
	sel map[string]string
}

// serviceSelectors are the manifests' Services, read once.
func (k *kubeCheck) serviceSelectors() []serviceSelector {
	if k.services != nil {
		return *k.services
	}
	out := []serviceSelector{}
	for _, o := range k.objs {
		if o.Kind != "Service" || o.Group() != "" {
			continue
		}
		sel := map[string]string{}
		for _, kv := range k8syaml.Pairs(k8syaml.Get(o.Root, "spec", "selector")) {
			sel[kv[0].Value] = k8syaml.Str(kv[1])
		}
		if len(sel) > 0 {
			out = append(out, serviceSelector{o, sel})
		}
	}
	k.services = &out
	return out
}

// sameNamespace: an object without a namespace goes where it is applied,
// so it may share any namespace.
func sameNamespace(a, b k8syaml.Object) bool {
	return a.Namespace == "" || b.Namespace == "" || a.Namespace == b.Namespace
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

// isPythonProject reports whether dir holds a Python project for the
// project rules: a manifest, a lock, requirements files, a Dockerfile or
// pinwheel.yaml. Beside manifests from elsewhere (`helm template … |
// pinwheel check -f -` in a chart repository) a directory without any of
// them gets only the manifest rules, not PW101 for a lock it never needed.
func isPythonProject(dir string) bool {
	for _, name := range []string{"pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "pinwheel.yaml"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	if _, err := lock.Detect(dir); err == nil {
		return true
	}
	return len(requirementsFiles(dir)) > 0 || len(dockerfilePaths(dir)) > 0
}
