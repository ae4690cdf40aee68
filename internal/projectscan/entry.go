package projectscan

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/secrets"
)

// readCommand finds the commands the project runs, picks the production
// one, and reads its port, user and working directory.
func (s *scanner) readCommand() error {
	exposed, exposedAt := 0, Evidence{}
	if s.df != nil && len(s.df.expose) > 0 {
		exposed, exposedAt = s.df.expose[0].port, Evidence{File: s.df.file, Line: s.df.expose[0].line}
	}
	fill := exposed
	if fill == 0 {
		fill = 8000
	}
	var cands []cmdCand
	if c := s.dockerCandidate(fill); c != nil {
		cands = append(cands, *c)
	}
	procs, err := s.procfileCandidates(fill)
	if err != nil {
		return err
	}
	cands = append(cands, procs...)
	gc, gcFile, err := s.gunicornConfig("")
	if err != nil {
		return err
	}
	if gc.wsgiApp != "" {
		c := cmdCand{entrypoint: []string{"gunicorn", "-c", gcFile}, from: "gunicorn config wsgi_app", at: Evidence{File: s.rel(gcFile), Line: gc.wsgiLine}}
		c.si = analyzeCommand(c.entrypoint)
		cands = append(cands, c)
	}
	cands = append(cands, s.djangoCandidates(gcFile)...)
	cands = append(cands, s.scriptCandidates(fill)...)
	cands = append(cands, s.fallbackCandidates()...)
	for i := range cands {
		cands[i].order = cands[i].order*1000 + i
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if ci, cj := cands[i].class(), cands[j].class(); ci != cj {
			return ci < cj
		}
		return cands[i].order < cands[j].order
	})
	if len(cands) == 0 {
		if s.df != nil && s.df.base != "" {
			s.warn(fmt.Sprintf("the Dockerfile sets no CMD or ENTRYPOINT: its command comes from the base image %s, which init cannot read; set entrypoint in pinwheel.yaml", s.df.base), Evidence{File: s.df.file, Line: s.df.baseAt})
		} else {
			s.warn("no command found: set entrypoint in pinwheel.yaml")
		}
		if exposed != 0 {
			s.svc.Command.Port, s.svc.Command.PortAt, s.svc.Command.PortWhy = exposed, exposedAt, "EXPOSE"
		}
		s.readUser()
		return nil
	}
	best := cands[0]
	cmd := Command{Entrypoint: best.entrypoint, Cmd: best.cmd, Server: best.si.server, Dev: best.si.dev, At: best.at, From: best.from}
	for _, c := range cands[1:] {
		why := "lower in preference"
		switch {
		case c.class() == 2:
			why = "a development server"
		case c.class() > best.class():
			why = "not a production server"
		}
		cmd.Alternatives = append(cmd.Alternatives, Alternative{Argv: redacted(c.argv()), From: c.from, At: c.at, Why: why})
	}
	if best.entrypoint == nil && best.from == "Dockerfile CMD" {
		cmd.Entrypoint, cmd.Cmd = best.cmd, nil
	}
	for _, argv := range []*[]string{&cmd.Entrypoint, &cmd.Cmd} {
		if stripped, runners := stripRunners(*argv); len(runners) > 0 {
			*argv = stripped
			s.warn(fmt.Sprintf("the command runs through `%s run`; pinwheel's image has no %s and its venv on PATH, so init runs the program directly", runners[0], runners[0]), best.at)
		}
	}
	for i, a := range append(append([]string{}, cmd.Entrypoint...), cmd.Cmd...) {
		if what, bad := secrets.Value(a); bad {
			s.warn(fmt.Sprintf("argument %d of the command holds what looks like %s: the command is not copied into pinwheel.yaml; pass it with secretEnv", i+1, what), best.at)
			cmd.Entrypoint, cmd.Cmd = nil, nil
			break
		}
	}
	s.svc.Command = cmd
	s.commandWarnings(best)
	if err := s.readPort(best, exposed, exposedAt); err != nil {
		return err
	}
	s.readUser()
	return nil
}

var runnerRE = regexp.MustCompile(`\b(uv|poetry|pdm|pipenv|hatch|rye) run (?:--?[A-Za-z][-A-Za-z]* )*`)

// redacted is argv, or a placeholder when an argument looks like a
// credential: a report never repeats one.
func redacted(argv []string) []string {
	for _, a := range argv {
		if what, bad := secrets.Value(a); bad {
			return []string{"(not shown: an argument holds what looks like " + what + ")"}
		}
	}
	return argv
}

// stripRunners drops project tools' "run" wrappers from argv: as its
// first words, or inside a /bin/sh -c line.
func stripRunners(argv []string) ([]string, []string) {
	if out, tool := stripRunner(argv); tool != "" {
		return out, []string{tool}
	}
	if len(argv) == 3 && argv[0] == "/bin/sh" && argv[1] == "-c" {
		var tools []string
		line := runnerRE.ReplaceAllStringFunc(argv[2], func(m string) string {
			tools = append(tools, runnerRE.FindStringSubmatch(m)[1])
			return ""
		})
		if len(tools) > 0 {
			return []string{"/bin/sh", "-c", line}, tools
		}
	}
	return argv, nil
}

// stripRunner drops a project tool's "run" wrapper (uv run --frozen X,
// poetry run X) from argv, returning the tool's name when it did.
func stripRunner(argv []string) ([]string, string) {
	if len(argv) < 3 || argv[1] != "run" {
		return argv, ""
	}
	tool := path.Base(argv[0])
	switch tool {
	case "uv", "poetry", "pdm", "pipenv", "hatch", "rye":
	default:
		return argv, ""
	}
	i := 2
	for i < len(argv) && strings.HasPrefix(argv[i], "-") {
		i++
	}
	if i == len(argv) {
		return argv, ""
	}
	return append([]string{}, argv[i:]...), tool
}

func (s *scanner) commandWarnings(best cmdCand) {
	if strings.HasPrefix(best.from, "a guess") || strings.HasPrefix(best.from, "console script") && best.si.server == "" {
		s.warn(fmt.Sprintf("no Dockerfile CMD, Procfile or server command found; the entrypoint is a guess from %s", strings.TrimPrefix(best.from, "a guess from ")), best.at)
	}
	if best.si.dev {
		s.warn(fmt.Sprintf("the only command found runs a development server (%s); use a production server such as gunicorn", best.si.server), best.at)
	}
	if best.script {
		from := ""
		if src := s.resolveInstalled(s.df, best.entrypoint[0]); src != "" {
			from = ", copied from " + src
		}
		s.warn(fmt.Sprintf("ENTRYPOINT runs a script (%s%s): it must be among the app files at that path in the image", best.entrypoint[0], from), best.at)
	}
	if len(best.unset) > 0 {
		s.warn(fmt.Sprintf("the command reads %s from the environment at run time: set them with env or secretEnv", strings.Join(best.unset, ", ")), best.at)
	}
	for _, a := range best.argv() {
		if strings.Contains(a, "/.venv/bin/") || strings.HasPrefix(a, ".venv/bin/") {
			s.warn(fmt.Sprintf("the command names a virtualenv path (%s); pinwheel's venv is /opt/pinwheel/venv, on PATH: use the bare program name", a), best.at)
			break
		}
	}
}

// procfileCandidates reads the Procfile's web process.
func (s *scanner) procfileCandidates(port int) ([]cmdCand, error) {
	file := s.rel("Procfile")
	data, err := s.t.readOpt(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if data == nil {
		return nil, nil
	}
	entries, err := parseProcfile(file, data)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.name != "web" {
			continue
		}
		argv, unset, pe := fromShell(e.command, nil, port)
		c := cmdCand{entrypoint: argv, from: "Procfile web", at: Evidence{File: file, Line: e.line}, unset: unset, portEnv: pe}
		c.si = analyzeCommand(unshell(argv))
		return []cmdCand{c}, nil
	}
	return nil, nil
}

// gunicornConfigNames are the configs gunicorn reads by default or that
// projects name by convention.
var gunicornConfigNames = []string{"gunicorn.conf.py", "gunicorn_config.py", "gunicorn.config.py", "config/gunicorn.py"}

// gunicornConfig reads the gunicorn config named (relative to the service,
// as a command's -c gives it) or the first conventional one.
func (s *scanner) gunicornConfig(named string) (gunicornConf, string, error) {
	names := gunicornConfigNames
	if named != "" {
		names = []string{strings.TrimPrefix(named, "python:")}
	}
	for _, n := range names {
		rel := n
		if s.df != nil && named != "" {
			if r := s.resolveInstalled(s.df, n); r != "" {
				rel = r
			}
		}
		rel = strings.TrimPrefix(path.Clean(rel), "./")
		data, err := s.t.readOpt(s.rel(rel))
		if err != nil {
			return gunicornConf{}, "", fmt.Errorf("%s: %w", s.rel(rel), err)
		}
		if data == nil {
			continue
		}
		gc, err := parseGunicornConf(s.rel(rel), data)
		return gc, rel, err
	}
	return gunicornConf{}, "", nil
}

var wsgiRE = regexp.MustCompile(`get_(wsgi|asgi)_application`)

// djangoCandidates: a Django project (manage.py) whose lock installs a
// production server runs its WSGI/ASGI module under it; otherwise only
// runserver is left, a development server.
func (s *scanner) djangoCandidates(gcFile string) []cmdCand {
	if !s.t.isFile(s.rel("manage.py")) {
		return nil
	}
	at := Evidence{File: s.rel("manage.py")}
	out := []cmdCand{{entrypoint: []string{"python", "manage.py", "runserver", "0.0.0.0:8000"}, from: "Django manage.py", at: at, order: 5}}
	out[0].si = analyzeCommand(out[0].entrypoint)
	entries, _ := s.t.list(s.rel(""))
	for _, e := range entries {
		if !e.dir {
			continue
		}
		pkg := path.Base(e.name)
		for _, kind := range []string{"wsgi", "asgi"} {
			data, _ := s.t.readOpt(path.Join(e.name, kind+".py"))
			if data == nil || !wsgiRE.Match(data) {
				continue
			}
			var argv []string
			switch {
			case kind == "wsgi" && s.hasDep("gunicorn"):
				argv = []string{"gunicorn", pkg + ".wsgi:application"}
				if gcFile != "" {
					argv = append(argv, "-c", gcFile)
				} else {
					argv = append(argv, "--bind", "0.0.0.0:8000")
				}
			case kind == "asgi" && s.hasDep("uvicorn") && !s.hasDep("gunicorn"):
				argv = []string{"uvicorn", pkg + ".asgi:application", "--host", "0.0.0.0", "--port", "8000"}
			default:
				continue
			}
			c := cmdCand{entrypoint: argv, from: "Django " + kind + " module and " + argv[0] + " in the lock", at: Evidence{File: path.Join(e.name, kind+".py")}, order: 4}
			c.si = analyzeCommand(argv)
			out = append(out, c)
		}
	}
	return out
}

func (s *scanner) hasDep(name string) bool {
	return s.deps[name] || s.py != nil && s.py.dependsOn(name)
}

// fallbackCandidates are guesses from file names: a package with
// __main__.py, then main.py / app.py / server.py.
func (s *scanner) fallbackCandidates() []cmdCand {
	var out []cmdCand
	entries, _ := s.t.list(s.rel(""))
	for _, e := range entries {
		if e.dir && s.t.isFile(path.Join(e.name, "__main__.py")) {
			pkg := path.Base(e.name)
			out = append(out, cmdCand{entrypoint: []string{"python", "-m", pkg}, from: "a guess from " + pkg + "/__main__.py", at: Evidence{File: path.Join(e.name, "__main__.py")}, order: 9})
		}
	}
	for _, f := range []string{"main.py", "app.py", "server.py"} {
		if s.t.isFile(s.rel(f)) {
			out = append(out, cmdCand{entrypoint: []string{"python", f}, from: "a guess from " + f, at: Evidence{File: s.rel(f)}, order: 9})
		}
	}
	return out
}
