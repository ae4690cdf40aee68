package projectscan

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// scanner reads one service directory of a tree.
type scanner struct {
	t       *tree
	absRoot string
	dir     string // the service directory, relative to the root ("." for it)
	svc     *Service
	py      *pyproject
	df      *dockerfile
	srcs    []PythonSource
	deps    map[string]bool // package names the chosen lock installs
}

// rel is name (relative to the service directory) relative to the root.
func (s *scanner) rel(name string) string {
	if name == "" {
		return s.dir
	}
	return path.Join(s.dir, name)
}

func (s *scanner) warn(msg string, at ...Evidence) {
	s.svc.Warnings = append(s.svc.Warnings, Warning{Msg: msg, At: at})
}

// ScanService reads the service at dir (relative to root, "." for root
// itself). Unreadable or malformed project files are *inputerr.Error
// values naming file:line.
func ScanService(ctx context.Context, root, dir string) (*Service, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	return scanService(ctx, t, abs, dir)
}

func scanService(ctx context.Context, t *tree, absRoot, dir string) (*Service, error) {
	dir = path.Clean(filepath.ToSlash(dir))
	if !filepath.IsLocal(dir) && dir != "." {
		return nil, &inputerr.Error{Path: dir, Msg: "the service directory must be inside the project"}
	}
	s := &scanner{t: t, absRoot: absRoot, dir: dir, svc: &Service{Dir: dir}}
	steps := []func() error{s.readManifests, s.readDockerfile, s.readLock, s.readCommand}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(); err != nil {
			return nil, err
		}
	}
	py, warns := choosePython(s.srcs)
	s.svc.Python = py
	s.svc.Warnings = append(warns, s.svc.Warnings...)
	s.readEnv()
	s.listSecrets()
	return s.svc, nil
}

// readManifests reads pyproject.toml, Pipfile, .python-version and
// runtime.txt: the name and the Python sources they give.
func (s *scanner) readManifests() error {
	base := path.Base(s.absRoot)
	if s.dir != "." {
		base = path.Base(s.dir)
	}
	s.svc.Name = serviceName(base)
	s.svc.NameAt = Evidence{File: s.dir}
	if data, err := s.t.readOpt(s.rel("pyproject.toml")); err != nil {
		return &inputerr.Error{Path: s.rel("pyproject.toml"), Msg: "cannot read", Err: err}
	} else if data != nil {
		py, err := parsePyproject(s.rel("pyproject.toml"), data)
		if err != nil {
			return err
		}
		s.py = py
		name, table := py.Project.Name, "project"
		if name == "" {
			name, table = py.Tool.Poetry.Name, "tool.poetry"
		}
		if n := serviceName(name); n != "" {
			s.svc.Name, s.svc.NameAt = n, Evidence{File: s.rel("pyproject.toml"), Line: keyLine(data, table, "name")}
		}
		if rp := strings.TrimSpace(py.Project.RequiresPython); rp != "" {
			s.addRange("requires-python", rp, s.rel("pyproject.toml"), keyLine(data, "project", "requires-python"), false)
		}
		if v, ok := py.Tool.Poetry.Dependencies["python"].(string); ok && strings.TrimSpace(v) != "" {
			spec, _ := lock.PoetryConstraint(v)
			s.addRange("poetry python", spec, s.rel("pyproject.toml"), keyLine(data, "tool.poetry.dependencies", "python"), false)
		}
		s.svc.Workspace = s.workspaceMembers()
	}
	if err := s.readPipfile(); err != nil {
		return err
	}
	if data, err := s.t.readOpt(s.rel(".python-version")); err != nil {
		return &inputerr.Error{Path: s.rel(".python-version"), Msg: "cannot read", Err: err}
	} else if data != nil {
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if v := pythonPin(line); v != "" {
				s.srcs = append(s.srcs, PythonSource{Kind: ".python-version", Pin: v, At: Evidence{File: s.rel(".python-version"), Line: i + 1}})
			} else {
				s.warn(fmt.Sprintf(".python-version names %s, not a CPython 3.x version", inputerr.Excerpt(line)), Evidence{File: s.rel(".python-version"), Line: i + 1})
			}
			break
		}
	}
	if data, _ := s.t.readOpt(s.rel("runtime.txt")); data != nil {
		if v := pythonPin(strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])); v != "" {
			s.srcs = append(s.srcs, PythonSource{Kind: "runtime.txt", Pin: v, At: Evidence{File: s.rel("runtime.txt"), Line: 1}})
		}
	}
	return nil
}

func (s *scanner) addRange(kind, spec, file string, line int, isLock bool) {
	if spec = strings.TrimSpace(spec); spec == "" {
		return
	}
	s.srcs = append(s.srcs, PythonSource{Kind: kind, Spec: spec, At: Evidence{File: file, Line: line}, Lock: isLock})
}

// readPipfile reads [requires] python_version / python_full_version.
func (s *scanner) readPipfile() error {
	file := s.rel("Pipfile")
	data, err := s.t.readOpt(file)
	if err != nil || data == nil {
		if err != nil {
			return &inputerr.Error{Path: file, Msg: "cannot read", Err: err}
		}
		return nil
	}
	var pf struct {
		Requires struct {
			Version     string `toml:"python_version"`
			FullVersion string `toml:"python_full_version"`
		} `toml:"requires"`
	}
	if _, err := toml.Decode(string(data), &pf); err != nil {
		return tomlError(file, err)
	}
	if v := pythonPin(pf.Requires.FullVersion); v != "" {
		s.srcs = append(s.srcs, PythonSource{Kind: "Pipfile python_full_version", Pin: v, At: Evidence{File: file, Line: keyLine(data, "requires", "python_full_version")}})
	} else if v := pythonPin(pf.Requires.Version); v != "" {
		s.srcs = append(s.srcs, PythonSource{Kind: "Pipfile python_version", Pin: v, At: Evidence{File: file, Line: keyLine(data, "requires", "python_version")}})
	}
	return nil
}

// dockerfileNames are where a service keeps the Dockerfile production
// builds from, in the order init looks.
var dockerfileNames = []string{"Dockerfile", "Containerfile", "Dockerfile.prod", "Dockerfile.production",
	"docker/Dockerfile", "docker/prod/Dockerfile", "deploy/Dockerfile", "compose/production/django/Dockerfile"}

func (s *scanner) readDockerfile() error {
	for _, n := range dockerfileNames {
		data, err := s.t.readOpt(s.rel(n))
		if err != nil {
			return &inputerr.Error{Path: s.rel(n), Msg: "cannot read", Err: err}
		}
		if data == nil {
			continue
		}
		df, err := parseDockerfile(s.rel(n), data)
		if err != nil {
			return err
		}
		s.df = df
		if df.python != "" {
			s.srcs = append(s.srcs, PythonSource{Kind: "Dockerfile FROM", Pin: df.python, At: Evidence{File: df.file, Line: df.pythonAt}})
		}
		return nil
	}
	return nil
}

var pipCompileRE = regexp.MustCompile(`(?m)^#\s*This file is autogenerated by pip-compile with Python (3\.[0-9]{1,2})`)

// readLock chooses the production lock and reads the Python range it was
// resolved for.
func (s *scanner) readLock() error {
	lf, warns := s.chooseLock(s.df, s.lockCandidates())
	s.svc.Lockfile = lf
	s.svc.Warnings = append(s.svc.Warnings, warns...)
	if lf.Path == "" {
		return nil
	}
	format, _ := lock.FormatOf(lf.Path)
	l, err := s.parseLock(lf.Path, format)
	if err != nil {
		return err
	}
	s.deps = map[string]bool{}
	for _, p := range l.Packages {
		s.deps[p.Name] = true
	}
	file := s.rel(lf.Path)
	data, _ := s.t.read(file)
	kind := path.Base(lf.Path) + " requires-python"
	switch format {
	case lock.FormatUV, lock.FormatPylock:
		s.addRange(kind, l.RequiresPython, file, keyLine(data, "", "requires-python"), true)
	case lock.FormatPoetry:
		s.addRange("poetry.lock python-versions", l.RequiresPython, file, keyLine(data, "metadata", "python-versions"), true)
	case lock.FormatPDM:
		line := keyLine(data, "metadata", "requires_python")
		if line == 0 {
			line = keyLine(data, "metadata.targets", "requires_python")
		}
		s.addRange("pdm.lock requires_python", l.RequiresPython, file, line, true)
	case lock.FormatPipfile:
		if v := pythonPin(strings.TrimPrefix(strings.TrimSuffix(l.RequiresPython, ".*"), "==")); v != "" {
			s.addRange("Pipfile.lock python_version", l.RequiresPython, file, jsonKeyLine(data, "python_version", "python_full_version"), true)
		}
	case lock.FormatRequirements:
		if m := pipCompileRE.FindSubmatchIndex(data); m != nil {
			line := strings.Count(string(data[:m[0]]), "\n") + 1
			s.addRange("pip-compile Python", "=="+string(data[m[2]:m[3]])+".*", file, line, true)
		}
	}
	return nil
}

func jsonKeyLine(data []byte, keys ...string) int {
	for i, line := range strings.Split(string(data), "\n") {
		for _, k := range keys {
			if strings.Contains(line, `"`+k+`"`) {
				return i + 1
			}
		}
	}
	return 0
}

// runtimeEnvSkip are variables a Dockerfile sets for its own build or its
// own venv, which pinwheel's image sets its own way.
var runtimeEnvSkip = regexp.MustCompile(`^(PATH|VIRTUAL_ENV|PYTHONPATH|LANG|LC_ALL|GPG_KEY|PYTHON_VERSION|PYTHON_SHA256|PYTHON_PIP_VERSION|PYTHON_GET_PIP_.*|HOME|UV_.*|PIP_.*|POETRY_.*|PDM_.*|PIPENV_.*|DEBIAN_FRONTEND)$`)

// readEnv keeps the final stage's ENV the service needs at run time,
// leaving out build settings and anything the secret rules flag: those
// are never copied into pinwheel.yaml.
func (s *scanner) readEnv() {
	if s.df == nil {
		return
	}
	last := map[string]int{}
	var keep []EnvVar
	for _, e := range s.df.env {
		if runtimeEnvSkip.MatchString(e.Name) {
			continue
		}
		if what, _, bad := secrets.Env(e.Name, e.Value); bad {
			s.warn(fmt.Sprintf("ENV %s %s: not copied into pinwheel.yaml; give it with secretEnv", e.Name, what), e.At)
			continue
		}
		if i, ok := last[e.Name]; ok {
			keep[i] = e
			continue
		}
		last[e.Name] = len(keep)
		keep = append(keep, e)
	}
	s.svc.Env = append(keep, s.svc.Env...)
}

// listSecrets names the service's secret-shaped files, by name only.
func (s *scanner) listSecrets() {
	entries, _ := s.t.list(s.rel(""))
	for _, e := range entries {
		if _, ok := secrets.File(e.name, nil); ok && !e.dir {
			s.svc.Secrets = append(s.svc.Secrets, e.name)
		}
	}
}

var nameCleanRE = regexp.MustCompile(`[^a-z0-9]+`)

// serviceName turns a project or directory name into pinwheel's service
// name rules: lowercase letters, digits and '-', at most 63.
func serviceName(s string) string {
	out := strings.Trim(nameCleanRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	return out
}
