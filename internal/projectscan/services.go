package projectscan

import (
	"context"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Found is a directory that looks like a service, with the files that say so.
type Found struct {
	Dir      string     `json:"dir"`
	Evidence []Evidence `json:"evidence"`
	// Strong is true when the directory has its own lock, or a Dockerfile
	// or Procfile beside its manifest: a deployable service, not a library
	// or an example.
	Strong bool `json:"strong"`
}

// Services is what Discover found under a root.
type Services struct {
	Found []Found `json:"services"`
}

// markers say a directory is a Python project; locks and deploy files
// make it a service.
var (
	manifestNames = []string{"pyproject.toml", "Pipfile", "setup.py", "requirements.txt", "manage.py"}
	deployNames   = []string{"Dockerfile", "Containerfile", "Procfile"}
)

// skipDirs are never services.
var skipDirs = map[string]bool{"node_modules": true, "venv": true, "env": true, "site-packages": true,
	"__pycache__": true, "build": true, "dist": true, "tests": true, "test": true, "docs": true, "testdata": true}

// Discover lists the services at root and up to two levels below it. The
// root counts when it is a Python project at all; a directory below only
// when it is a service of its own (its own lock, or a Dockerfile/Procfile
// beside a manifest) and not a member of a uv workspace above it.
func Discover(ctx context.Context, root string) (*Services, error) {
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return discover(ctx, t)
}

func discover(ctx context.Context, t *tree) (*Services, error) {
	var out Services
	var weak []Found // projects below the root that are not services by themselves
	members := map[string]bool{}
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, isProject := inspectDir(t, dir)
		if isProject && !members[dir] && dir != "." && !f.Strong && depth == 1 {
			weak = append(weak, f)
		}
		if isProject && !members[dir] && (dir == "." || f.Strong) {
			out.Found = append(out.Found, f)
			s := &scanner{t: t, dir: dir, svc: &Service{}}
			if data, _ := t.readOpt(s.rel("pyproject.toml")); data != nil {
				if py, err := parsePyproject(s.rel("pyproject.toml"), data); err == nil {
					s.py = py
					for _, m := range s.workspaceMembers() {
						members[path.Join(dir, m)] = true
					}
				}
			}
		}
		if depth == 2 {
			return nil
		}
		entries, err := t.list(dir)
		if err != nil {
			return nil // unreadable directories hold no services init can read
		}
		for _, e := range entries {
			base := path.Base(e.name)
			if !e.dir || strings.HasPrefix(base, ".") || skipDirs[base] || t.isFile(path.Join(e.name, "pyvenv.cfg")) {
				continue
			}
			if err := walk(e.name, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(".", 0); err != nil {
		return nil, err
	}
	if len(out.Found) == 0 && len(weak) == 1 {
		out.Found = weak // the one Python project of a repository (backend/ beside frontend/)
	}
	sort.Slice(out.Found, func(i, j int) bool { return out.Found[i].Dir < out.Found[j].Dir })
	return &out, nil
}

// inspectDir says whether dir is a Python project and how strongly.
func inspectDir(t *tree, dir string) (Found, bool) {
	f := Found{Dir: dir}
	manifest, lockf, deploy := false, false, false
	join := func(n string) string { return path.Join(dir, n) }
	for _, n := range manifestNames {
		if t.isFile(join(n)) {
			manifest = true
			f.Evidence = append(f.Evidence, Evidence{File: join(n)})
		}
	}
	for _, n := range nativeLocks {
		if t.isFile(join(n)) {
			lockf = true
			f.Evidence = append(f.Evidence, Evidence{File: join(n)})
		}
	}
	for _, n := range deployNames {
		if t.isFile(join(n)) {
			deploy = true
			f.Evidence = append(f.Evidence, Evidence{File: join(n)})
		}
	}
	f.Strong = lockf || deploy && manifest
	return f, manifest || lockf
}

// workspaceMembers lists the uv workspace members of the service, relative
// to its directory: [tool.uv.workspace] members globs less exclude.
func (s *scanner) workspaceMembers() []string {
	if s.py == nil {
		return nil
	}
	ws := s.py.Tool.UV.Workspace
	seen := map[string]bool{}
	var out []string
	for _, g := range ws.Members {
		g = cleanGlob(g)
		if !filepath.IsLocal(g) {
			continue
		}
		parent := path.Dir(g)
		entries, err := s.t.list(s.rel(parent))
		if err != nil {
			continue
		}
		for _, e := range entries {
			rel := path.Join(parent, path.Base(e.name))
			if ok, _ := path.Match(g, rel); !ok || !e.dir || seen[rel] || excluded(rel, ws.Exclude) {
				continue
			}
			if s.t.isFile(s.rel(path.Join(rel, "pyproject.toml"))) {
				seen[rel] = true
				out = append(out, rel)
			}
		}
	}
	sort.Strings(out)
	return out
}

func excluded(rel string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(cleanGlob(g), rel); ok {
			return true
		}
	}
	return false
}
