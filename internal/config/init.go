package config

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// Detected is what `pinwheel init` found out about a project.
type Detected struct {
	Service    string
	Python     string
	PythonFrom string // where the version came from, for the comment
	Lockfile   string // relative to the project; empty when none found
	Entrypoint []string
	EntryFrom  string
}

var versionPrefix = regexp.MustCompile(`3\.[0-9]{1,2}`)

// Detect inspects dir for a lockfile, a Python version (.python-version,
// then pyproject's requires-python) and an entrypoint guess.
func Detect(dir string) Detected {
	d := Detected{Python: "3.11", PythonFrom: "default"}
	abs, _ := filepath.Abs(dir)
	d.Service = sanitizeName(filepath.Base(abs))
	var py struct {
		Project struct {
			Name           string            `toml:"name"`
			RequiresPython string            `toml:"requires-python"`
			Scripts        map[string]string `toml:"scripts"`
		} `toml:"project"`
	}
	if _, err := toml.DecodeFile(filepath.Join(dir, "pyproject.toml"), &py); err == nil {
		if n := sanitizeName(py.Project.Name); n != "" {
			d.Service = n
		}
		if v := versionPrefix.FindString(py.Project.RequiresPython); v != "" {
			d.Python, d.PythonFrom = v, "pyproject.toml requires-python"
		}
		if len(py.Project.Scripts) > 0 {
			names := make([]string, 0, len(py.Project.Scripts))
			for n := range py.Project.Scripts {
				names = append(names, n)
			}
			sort.Strings(names)
			d.Entrypoint, d.EntryFrom = []string{names[0]}, "pyproject.toml [project.scripts]"
		}
	}
	if v := firstLine(filepath.Join(dir, ".python-version")); versionPrefix.MatchString(v) {
		d.Python, d.PythonFrom = versionPrefix.FindString(v), ".python-version"
	}
	if p, err := lock.Detect(dir); err == nil {
		if rel, err := filepath.Rel(dir, p); err == nil {
			d.Lockfile = filepath.ToSlash(rel)
		}
	}
	if d.Entrypoint == nil {
		d.Entrypoint, d.EntryFrom = guessEntrypoint(dir)
	}
	return d
}

func guessEntrypoint(dir string) ([]string, string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && fileExists(filepath.Join(dir, e.Name(), "__main__.py")) {
			return []string{"python3", "-m", e.Name()}, e.Name() + "/__main__.py"
		}
	}
	for _, f := range []string{"main.py", "app.py", "server.py", "manage.py"} {
		if fileExists(filepath.Join(dir, f)) {
			if f == "manage.py" {
				return []string{"python3", "manage.py", "runserver", "0.0.0.0:8000"}, f
			}
			return []string{"python3", f}, f
		}
	}
	return []string{"python3", "-m", "app"}, "a guess; nothing obvious found"
}

// Render writes the commented pinwheel.yaml for d.
func Render(d Detected) []byte {
	var b strings.Builder
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	fmt.Fprintf(&b, "# pinwheel.yaml — how pinwheel builds and releases this service.\n")
	fmt.Fprintf(&b, "# Written by `pinwheel init`; edit freely. Docs: docs/build.md\n\n")
	fmt.Fprintf(&b, "service: %s\n", d.Service)
	fmt.Fprintf(&b, "# version: 1.0.0          # default: derived from git at build time\n\n")
	fmt.Fprintf(&b, "python: %s\n", q(d.Python))
	fmt.Fprintf(&b, "# (from %s)\n\n", d.PythonFrom)
	fmt.Fprintf(&b, "# The base image, pinned by digest so every build starts from the same bytes.\n")
	fmt.Fprintf(&b, "# Find the digest with `crane digest python:%s-slim`, or point at a local\n", d.Python)
	fmt.Fprintf(&b, "# base with oci:PATH[@sha256:...] or tar:PATH. Or build it from locked Debian\n")
	fmt.Fprintf(&b, "# packages (`pinwheel base lock`, docs/base.md):\n")
	fmt.Fprintf(&b, "#   base: {debian: {suite: bookworm, packages: [python%s-minimal, libpython%s-stdlib], mirror: http://deb.debian.org/debian}}\n", d.Python, d.Python)
	fmt.Fprintf(&b, "base: python:%s-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000  # TODO: real digest\n\n", d.Python)
	if d.Lockfile != "" {
		fmt.Fprintf(&b, "lockfile: %s   # detected\n", d.Lockfile)
	} else {
		fmt.Fprintf(&b, "# lockfile: pylock.toml   # none found: lock your dependencies with hashes\n")
	}
	fmt.Fprintf(&b, "# groups: [main]\n# extras: []\n\n")
	fmt.Fprintf(&b, "# Project files copied to the image (doublestar globs). Never copied, whatever\n")
	fmt.Fprintf(&b, "# these say: secret-shaped files (.env, id_rsa, *.pem keys, credentials…),\n")
	fmt.Fprintf(&b, "# .git and CI folders, and paths in %s or %s.\n", IgnoreFile, DockerIgnoreFile)
	fmt.Fprintf(&b, "app:\n  include: [\"**\"]\n")
	fmt.Fprintf(&b, "  exclude: [\"tests/**\"]\n\n")
	parts := make([]string, len(d.Entrypoint))
	for i, p := range d.Entrypoint {
		parts[i] = q(p)
	}
	fmt.Fprintf(&b, "# Exec form only (no shell). Guessed from %s.\n", d.EntryFrom)
	fmt.Fprintf(&b, "entrypoint: [%s]\n", strings.Join(parts, ", "))
	fmt.Fprintf(&b, "# cmd: []\n")
	fmt.Fprintf(&b, "# env: goes into the image config, readable by anyone who can pull the image:\n")
	fmt.Fprintf(&b, "# no secrets here (pinwheel build refuses them); records keep only a hash.\n")
	fmt.Fprintf(&b, "env:\n  PYTHONUNBUFFERED: \"1\"\n")
	fmt.Fprintf(&b, "# Secrets come from references, never values (docs/deploy.md#secrets-secretenv):\n")
	fmt.Fprintf(&b, "# secretEnv:\n#   DB_PASSWORD:\n#     fromEnv: DB_PASSWORD          # local target: the deploying shell's variable (or fromFile: PATH)\n")
	fmt.Fprintf(&b, "#     secretKeyRef: {name: db, key: password}   # Kubernetes: a key of a Secret\n")
	fmt.Fprintf(&b, "workdir: /app\n")
	fmt.Fprintf(&b, "user: \"65532\"           # non-root\n")
	fmt.Fprintf(&b, "# port: 8000\n")
	fmt.Fprintf(&b, "platforms: [linux/amd64]\n")
	fmt.Fprintf(&b, "# labels:\n#   team: payments\n")
	return []byte(b.String())
}

// ErrExists is returned by WriteInit when pinwheel.yaml exists and force is false.
var ErrExists = errors.New("pinwheel.yaml already exists (use --force to overwrite)")

// WriteInit writes Render(Detect(dir)) to dir/pinwheel.yaml atomically and
// returns the path written.
func WriteInit(dir string, force bool) (string, Detected, error) {
	d := Detect(dir)
	path := filepath.Join(dir, FileName)
	if _, err := os.Lstat(path); err == nil && !force {
		return path, d, fmt.Errorf("%s: %w", path, ErrExists)
	}
	return path, d, renameio.WriteFile(path, Render(d), 0o644, renameio.WithStaticPermissions(0o644))
}

func sanitizeName(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == '_' || r == '.' || r == ' ':
			b.WriteRune('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	return out
}

func firstLine(p string) string {
	f, err := safefs.Open(filepath.Dir(p), p)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if sc.Scan() {
		return strings.TrimSpace(sc.Text())
	}
	return ""
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}
