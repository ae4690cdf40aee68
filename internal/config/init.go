package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/secrets"
)

// Starter is what `pinwheel init` fills pinwheel.yaml with: values found in
// the project, each with a note saying where (written as a comment).
// Empty values are left commented out with the default.
type Starter struct {
	Service string
	Python  string
	// Notes, one a field, are "file:line" evidence and how the value was
	// chosen; they become comments.
	PythonNote string
	Lockfile   string
	LockNote   string
	Entrypoint []string
	Cmd        []string
	EntryNote  string
	Port       int
	PortNote   string
	Workdir    string
	User       string
	UserNote   string
	Env        []StarterEnv
	// Warnings head the file as comments, so they travel with it.
	Warnings []string
}

// StarterEnv is one env: entry of a Starter.
type StarterEnv struct{ Name, Value, Note string }

// Render writes the commented pinwheel.yaml for s. Env entries the secret
// rules flag are never written, whatever s says.
func Render(s Starter) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	q := strconv.Quote
	if s.Python == "" {
		s.Python = Defaults().Python
	}
	p("# pinwheel.yaml — how pinwheel builds and releases this service.\n")
	p("# Written by `pinwheel init` from what the project holds; edit freely. Docs: docs/build.md\n")
	if len(s.Warnings) > 0 {
		p("#\n# init warnings — check these:\n")
		for _, w := range s.Warnings {
			p("#   - %s\n", comment(w))
		}
	}
	p("\nservice: %s\n", s.Service)
	p("# version: 1.0.0          # default: derived from git at build time\n\n")
	p("python: %s%s\n\n", q(s.Python), note(s.PythonNote))
	p("# The base image, pinned by digest so every build starts from the same bytes.\n")
	p("# Find the digest with `crane digest python:%s-slim`, or point at a local\n", s.Python)
	p("# base with oci:PATH[@sha256:...] or tar:PATH. Or build it from locked Debian\n")
	p("# packages (`pinwheel base lock`, docs/base.md):\n")
	p("#   base: {debian: {suite: bookworm, packages: [python%s-minimal, libpython%s-stdlib], mirror: http://deb.debian.org/debian}}\n", s.Python, s.Python)
	p("base: python:%s-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000  # TODO: real digest\n\n", s.Python)
	if s.Lockfile != "" {
		p("lockfile: %s%s\n", q(s.Lockfile), note(s.LockNote))
	} else {
		p("# lockfile: pylock.toml   # none found: lock your dependencies with hashes\n")
	}
	p("# groups: [main]\n# extras: []\n\n")
	p("# Project files copied to the image (doublestar globs). Never copied, whatever\n")
	p("# these say: secret-shaped files (.env, id_rsa, *.pem keys, credentials…),\n")
	p("# .git and CI folders, and paths in %s or %s.\n", IgnoreFile, DockerIgnoreFile)
	p("app:\n  include: [\"**\"]\n")
	p("  exclude: [\"tests/**\"]\n\n")
	p("# Exec form only (no shell).%s\n", strings.Replace(note(s.EntryNote), "  #", "", 1))
	switch {
	case len(s.Entrypoint) > 0:
		p("entrypoint: %s\n", flow(s.Entrypoint))
	case len(s.Cmd) == 0:
		p("entrypoint: [\"python\", \"-m\", \"app\"]   # TODO: nothing in the project says how it starts\n")
	default:
		p("# entrypoint: []\n")
	}
	if len(s.Cmd) > 0 {
		p("cmd: %s\n", flow(s.Cmd))
	} else {
		p("# cmd: []\n")
	}
	p("# env: goes into the image config, readable by anyone who can pull the image:\n")
	p("# no secrets here (pinwheel build refuses them); records keep only a hash.\n")
	p("env:\n  PYTHONUNBUFFERED: \"1\"\n")
	for _, e := range s.Env {
		if _, _, bad := secrets.Env(e.Name, e.Value); bad || e.Name == "PYTHONUNBUFFERED" || !envKeyRe.MatchString(e.Name) {
			continue
		}
		p("  %s: %s%s\n", e.Name, q(e.Value), note(e.Note))
	}
	p("# Secrets come from references, never values (docs/deploy.md#secrets-secretenv):\n")
	p("# secretEnv:\n#   DB_PASSWORD:\n#     fromEnv: DB_PASSWORD          # local target: the deploying shell's variable (or fromFile: PATH)\n")
	p("#     secretKeyRef: {name: db, key: password}   # Kubernetes: a key of a Secret\n")
	workdir := s.Workdir
	if workdir == "" {
		workdir = Defaults().Workdir
	}
	p("workdir: %s\n", q(workdir))
	if s.User != "" {
		p("user: %s%s\n", q(s.User), note(s.UserNote))
	} else {
		p("user: \"65532\"  # non-root%s\n", strings.Replace(note(s.UserNote), "  #", ";", 1))
	}
	if s.Port != 0 {
		p("port: %d%s\n", s.Port, note(s.PortNote))
	} else {
		p("# port: 8000\n")
	}
	p("platforms: [linux/amd64]\n")
	p("# labels:\n#   team: payments\n")
	return []byte(b.String())
}

// flow writes a YAML flow sequence of double-quoted strings.
func flow(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// note is a trailing comment, or "".
func note(s string) string {
	if s == "" {
		return ""
	}
	return "  # " + comment(s)
}

// comment makes s safe inside a YAML comment: one line, no control
// characters, so a file name from the project cannot end the comment.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// ErrExists is returned by WriteInit when pinwheel.yaml exists and force is false.
var ErrExists = errors.New("pinwheel.yaml already exists (use --force to overwrite)")

// WriteInit writes Render(s) to dir/pinwheel.yaml atomically and returns
// the path written.
func WriteInit(dir string, s Starter, force bool) (string, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Lstat(path); err == nil && !force {
		return path, fmt.Errorf("%s: %w", path, ErrExists)
	}
	return path, renameio.WriteFile(path, Render(s), 0o644, renameio.WithStaticPermissions(0o644))
}
