// Package config owns pinwheel.yaml: its schema, defaults, validation with
// file:line:col errors, the selection of app files it describes, and the
// commented starter file `pinwheel init` writes. It does not build, resolve
// or deploy anything. It is the one place pinwheel.yaml is decoded: the
// rollout, runtime and notify sections too, into typed values that remember
// where each field was written, so the packages that use them never see YAML.
package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// FileName is the configuration file pinwheel reads from a project root.
const FileName = "pinwheel.yaml"

// Config is a parsed pinwheel.yaml.
type Config struct {
	// Service is the service name (required): image labels, releases, metrics.
	Service string `yaml:"service"`
	// Version is the release version; empty means derived from git at build time.
	Version string `yaml:"version"`
	// Python is the interpreter version the image runs, "3.11".
	Python string `yaml:"python"`
	// Base is the base image pinned by digest ("python:3.11-slim@sha256:…"),
	// or a local base: "oci:PATH[@sha256:…]" or "tar:PATH".
	Base string `yaml:"base"`
	// Debian is set when `base:` is a mapping with debian: the base is
	// assembled from locked Debian packages (Base is then empty).
	Debian *Debian `yaml:"-"`
	// Interpreter is the absolute path of python in the base image, used for
	// console-script launchers. Default /usr/local/bin/python<Python>.
	Interpreter string `yaml:"interpreter"`
	// Lockfile is the lock to install, relative to the project; empty means detect.
	Lockfile string `yaml:"lockfile"`
	// Groups and Extras select which locked packages are installed.
	Groups []string `yaml:"groups"`
	Extras []string `yaml:"extras"`
	// App selects the project files copied into the app layer.
	App App `yaml:"app"`
	// Entrypoint and Cmd, exec form only.
	Entrypoint []string          `yaml:"entrypoint"`
	Cmd        []string          `yaml:"cmd"`
	Env        map[string]string `yaml:"env"`
	// SecretEnv are variables whose values come from references (a
	// variable of the deploying process, a file, a Kubernetes Secret),
	// never from pinwheel.yaml; records keep the references only.
	SecretEnv map[string]SecretRef `yaml:"secretEnv"`
	Workdir   string               `yaml:"workdir"`
	// User the container runs as; default 65532 (non-root).
	User      string            `yaml:"user"`
	Port      int               `yaml:"port"`
	Platforms []string          `yaml:"platforms"`
	Labels    map[string]string `yaml:"labels"`
	// Signing is the key build signs attestations with and what deploy
	// requires of them (signing.go).
	Signing Signing `yaml:"signing"`

	// Ledger is where the deploy-side commands keep their history when
	// neither --ledger nor PINWHEEL_LEDGER says: a postgres:// URL (put the
	// password in a file named by PINWHEEL_LEDGER_PASSWORD_FILE, not here)
	// or a file path relative to the project. Default .pinwheel/ledger.db.
	Ledger string `yaml:"ledger"`

	// The sections deploying reads, decoded by Parse. Their problems are
	// kept for RolloutSpec, RuntimeSection, NotifySection and Deploy to
	// report, so building does not depend on them.
	Rollout Rollout `yaml:"rollout"`
	Runtime Runtime `yaml:"runtime"`
	Notify  Notify  `yaml:"notify"`
	// Refresh is the refresh: section `pinwheel refresh` reads.
	Refresh Refresh `yaml:"refresh"`
	// Gates and Policy are the policy gates (`pinwheel gate`) and what
	// deploying requires of them; GatesSection and PolicySection report
	// their problems.
	Gates  Gates  `yaml:"gates"`
	Policy Policy `yaml:"policy"`
	Alerts Alerts `yaml:"alerts"`

	// Path is the file this config was read from ("" for Defaults()).
	Path string `yaml:"-"`
	// Dir is the project directory.
	Dir string `yaml:"-"`

	pos        map[string]position // dotted key → position of its value
	sectionErr map[string]error    // section key → its decoding error
}

// App selects the files of the app layer.
type App struct {
	// Include are doublestar globs relative to the project root; default ["**"].
	Include []string `yaml:"include"`
	// Exclude are globs removed from the include set, on top of .pinwheelignore.
	Exclude []string `yaml:"exclude"`
	// Dest is the directory in the image the files go to; default Workdir.
	Dest string `yaml:"dest"`
	// InstallProject false keeps the project itself out of the
	// dependencies: a project the lock installs as a package (a build
	// backend declared, not virtual) is otherwise built into a wheel and
	// installed, so that its entry points exist. Default true.
	InstallProject *bool `yaml:"install-project"`
}

// InstallsProject reports whether the project itself is built and
// installed when its lock treats it as a package (app.install-project).
func (a App) InstallsProject() bool { return a.InstallProject == nil || *a.InstallProject }

type position struct{ line, col int }

// Defaults returns the configuration used for fields pinwheel.yaml leaves out.
func Defaults() *Config {
	return &Config{
		Python:    "3.11",
		Workdir:   "/app",
		User:      "65532",
		Platforms: []string{"linux/amd64"},
		App:       App{Include: []string{"**"}},
	}
}

// Load reads dir/pinwheel.yaml, applies defaults and validates it.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	data, err := safefs.ReadFile(context.Background(), dir, path, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &inputerr.Error{Path: path, Msg: "no pinwheel.yaml (run `pinwheel init` to write one)", Err: err}
		}
		if safefs.Refused(err) {
			return nil, &inputerr.Error{Path: path, Msg: "cannot read", Err: err}
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	c.Dir = dir
	return c, c.Validate()
}

// Parse decodes data (the contents of path) over Defaults(). It reports
// unknown keys and type mismatches as *inputerr.Error; it does not Validate.
func Parse(path string, data []byte) (*Config, error) {
	c := Defaults()
	c.Path = path
	c.pos = map[string]position{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(path, err)
	}
	if len(doc.Content) == 0 {
		return c, nil // empty file: Validate reports what is missing
	}
	root := doc.Content[0]
	if err := c.takeDebianBase(path, root); err != nil {
		return nil, err
	}
	if err := decodeStruct(path, "", root, c, c.pos); err != nil {
		return nil, err
	}
	c.decodeSections(path, root, data)
	c.applyDerivedDefaults()
	return c, nil
}

func (c *Config) applyDerivedDefaults() {
	if c.Interpreter == "" && c.Python != "" {
		c.Interpreter = "/usr/local/bin/python" + c.Python
		if c.Debian != nil {
			c.Interpreter = "/usr/bin/python" + c.Python // Debian's python3.X package
		}
	}
	if c.App.Dest == "" {
		c.App.Dest = c.Workdir
	}
}

// Pos is the line and column of the value of key (dotted, e.g. "env" or
// "app.include") in the file; 0, 0 when the key was not written.
func (c *Config) Pos(key string) (line, col int) {
	p := c.pos[key]
	return p.line, p.col
}

// errAt builds an input error at the position of key (dotted), or at the
// top of the file when the key was not written.
func (c *Config) errAt(key, format string, args ...any) *inputerr.Error {
	p := c.pos[key]
	path := c.Path
	if path == "" {
		path = FileName
	}
	return inputerr.At(path, p.line, p.col, "%s: %s", key, fmt.Sprintf(format, args...))
}
