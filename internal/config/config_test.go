package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

const good = `service: hello
version: 1.2.3
python: "3.12"
base: python:3.12-slim@` + digest + `
lockfile: requirements.txt
groups: [main]
app:
  include: ["**/*.py", "static/**"]
  exclude: ["tests/**"]
entrypoint: ["python3", "-m", "hello"]
env:
  LOG_LEVEL: info
port: 8080
platforms: [linux/amd64, linux/arm64]
labels:
  team: payments
rollout:
  steps: [10, 50, 100]
notify:
  slack: "#deploys"
`

func TestParseGood(t *testing.T) {
	c, err := Parse("pinwheel.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.Service != "hello" || c.Python != "3.12" || c.Port != 8080 || len(c.Platforms) != 2 {
		t.Errorf("decoded %+v", c)
	}
	if c.Interpreter != "/usr/local/bin/python3.12" {
		t.Errorf("Interpreter = %q", c.Interpreter)
	}
	if c.Workdir != "/app" || c.User != "65532" || c.App.Dest != "/app" {
		t.Errorf("defaults not applied: workdir %q user %q dest %q", c.Workdir, c.User, c.App.Dest)
	}
	// The deploy sections are decoded too, but their problems (steps are
	// not numbers; notify has no slack) wait for the deploy side to ask.
	if c.Rollout.Line != 18 {
		t.Errorf("rollout section at line %d, want 18", c.Rollout.Line)
	}
	if _, err := c.RolloutSpec(); err == nil || !strings.Contains(err.Error(), "pinwheel.yaml:18: rollout: cannot unmarshal") {
		t.Errorf("rollout steps [10, 50, 100]: err = %v, want one at line 18", err)
	}
	if _, err := c.NotifySection(); err == nil || !strings.Contains(err.Error(), `pinwheel.yaml:20:3: notify: unknown key "slack"`) {
		t.Errorf("notify.slack: err = %v", err)
	}
	if rc, err := c.RuntimeSection(); err != nil || rc != (Runtime{}) {
		t.Errorf("runtime should be empty: %+v, %v", rc, err)
	}
	if c.UID() != 65532 {
		t.Errorf("UID = %d", c.UID())
	}
}

func TestParseErrors(t *testing.T) {
	base := "service: hello\nbase: python:3.11-slim@" + digest + "\nentrypoint: [python3]\n"
	tests := []struct {
		name, yaml, want string
		line, col        int
	}{
		{"unknown_key", base + "entrypiont: [x]\n", `unknown key "entrypiont" (expected one of:`, 4, 1},
		{"unknown_nested_key", base + "app:\n  inclde: [x]\n", `unknown key "app.inclde"`, 5, 3},
		{"entrypoint_shell_form", "service: hello\nentrypoint: python3 -m app\n", "entrypoint: expected a list of strings (exec form)", 2, 13},
		{"port_string", base + "port: eighty\n", `port: expected an integer, got "eighty"`, 4, 7},
		{"env_list", base + "env: [A]\n", "env: expected a mapping of string keys", 4, 6},
		{"env_nested", base + "env:\n  A: {b: c}\n", "env: expected string keys and values, got a mapping", 5, 6},
		{"top_level_list", "- a\n- b\n", "top level: expected a mapping of keys, got a list", 1, 1},
		{"duplicate", base + "service: again\n", `duplicate key "service"`, 4, 1},
		{"syntax", "service: [unclosed\n", "invalid YAML", 1, 0},
		{"list_item_mapping", base + "platforms:\n  - {os: linux}\n", "platforms: expected a string list item, got a mapping", 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tt.yaml))
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("want *inputerr.Error, got %T %v", err, err)
			}
			if !strings.Contains(ie.Msg, tt.want) {
				t.Errorf("msg %q does not contain %q", ie.Msg, tt.want)
			}
			if ie.Line != tt.line || ie.Col != tt.col || ie.Path != "p.yaml" {
				t.Errorf("position %s:%d:%d, want p.yaml:%d:%d", ie.Path, ie.Line, ie.Col, tt.line, tt.col)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, yaml, want string
		line             int
	}{
		{"missing_service", "base: python:3.11-slim@" + digest + "\nentrypoint: [x]\n", "service: required", 0},
		{"bad_service", "service: Hello_World\nbase: python:3.11-slim@" + digest + "\nentrypoint: [x]\n", "not a valid name", 1},
		{"unpinned_base", "service: a\nbase: python:3.11-slim\nentrypoint: [x]\n", "not pinned by digest", 2},
		{"placeholder_base", "service: a\nbase: python:3.11-slim@sha256:" + strings.Repeat("0", 64) + "\nentrypoint: [x]\n", "placeholder digest", 2},
		{"short_digest", "service: a\nbase: python@sha256:abc\nentrypoint: [x]\n", "64 lowercase hex", 2},
		{"no_entrypoint", "service: a\nbase: oci:base\n", "entrypoint: required", 0},
		{"bad_python", "service: a\npython: \"3\"\nbase: oci:b\nentrypoint: [x]\n", "not a Python version", 2},
		{"relative_workdir", "service: a\nbase: tar:b.tar\nentrypoint: [x]\nworkdir: app\n", "must be an absolute path", 4},
		{"bad_platform", "service: a\nbase: oci:b\nentrypoint: [x]\nplatforms: [windows/amd64]\n", "not a platform", 4},
		{"root_escape_lock", "service: a\nbase: oci:b\nentrypoint: [x]\nlockfile: ../x.txt\n", "inside the project", 4},
		{"bad_port", "service: a\nbase: oci:b\nentrypoint: [x]\nport: 70000\n", "out of range", 4},
		{"bad_user", "service: a\nbase: oci:b\nentrypoint: [x]\nuser: \"a b\"\n", "is not a user", 4},
		{"bad_glob", "service: a\nbase: oci:b\nentrypoint: [x]\napp:\n  include: [\"../x\"]\n", "not a valid relative glob", 5},
		{"bad_env_key", "service: a\nbase: oci:b\nentrypoint: [x]\nenv:\n  1A: x\n", "not a valid environment variable", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("p.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("not an input error: %T", err)
			}
			if ie.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", ie.Line, tt.line, err)
			}
		})
	}
}

func TestParseBase(t *testing.T) {
	tests := []struct {
		name, in string
		want     BaseRef
	}{
		{"registry", "python:3.11-slim@" + digest, BaseRef{Kind: BaseRegistry, Ref: "python:3.11-slim", Digest: digest}},
		{"registry_with_port", "127.0.0.1:5000/py@" + digest, BaseRef{Kind: BaseRegistry, Ref: "127.0.0.1:5000/py", Digest: digest}},
		{"layout", "oci:./base", BaseRef{Kind: BaseLayout, Path: "./base"}},
		{"layout_pinned", "oci:/x/base@" + digest, BaseRef{Kind: BaseLayout, Path: "/x/base", Digest: digest}},
		{"tarball", "tar:base.tar", BaseRef{Kind: BaseTarball, Path: "base.tar"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBase(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseBase(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(t.TempDir())
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "pinwheel init") {
		t.Fatalf("Load of empty dir = %v", err)
	}
}

func TestLoadSetsDir(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, FileName, good)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != dir || c.Path != filepath.Join(dir, FileName) {
		t.Errorf("Dir %q Path %q", c.Dir, c.Path)
	}
}

func write(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("service: a\napp:\n  include: [x]\n"))
	f.Add([]byte("- a\n"))
	f.Add([]byte("env: &a {x: *a}\n"))
	f.Add([]byte("port: 0x10\nrollout: !!binary abc\n"))
	f.Add([]byte("gates:\n  - {name: a, expr: 'vulns.all(v, v.severity != \"CRITICAL\")'}\n  - name: b\n    run: [python3, -V]\n    timeout: 5m\n    network: true\n  - name: c\n    expr: |\n      true &&\n        false\npolicy: {requireGates: true}\n"))
	f.Add([]byte("secretEnv:\n  A: {fromEnv: B, fromFile: ../x, secretKeyRef: {name: s, key: k}}\n  C: &v lit\n  D: *v\n"))
	f.Add([]byte("signing: {key: k/a.key, passwordEnv: P, publicKey: ../p.pub, requireSignedProvenance: !!str true}\n"))
	f.Add([]byte("rollout: &r {steps: [{setWeight: 10}, {analysis: {checks: [e]}}], checks: [{name: e, kind: threshold, query: q, max: 1}]}\nruntime: {metrics: {provider: httpjson}}\nnotify: {webhooks: [{url: 'https://a', secretEnv: S, events: [x]}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("non-input error: %T %v", err, err)
			}
			return
		}
		_ = c.Validate()
		if _, err := c.Deploy(); err != nil && !inputerr.Is(err) {
			t.Fatalf("deploy sections: non-input error: %T %v", err, err)
		}
		gs, err := c.GatesSection()
		if err != nil && !inputerr.Is(err) {
			t.Fatalf("gates: non-input error: %T %v", err, err)
		}
		for _, g := range gs {
			if l, _ := g.ExprPos(2, 3); g.Expr != "" && l < 1 {
				t.Fatalf("gate %s: expression position maps to line %d", g.Name, l)
			}
		}
		if _, err := c.PolicySection(); err != nil && !inputerr.Is(err) {
			t.Fatalf("policy: non-input error: %T %v", err, err)
		}
	})
}

func FuzzParseBase(f *testing.F) {
	for _, s := range []string{"python:3.11-slim@" + digest, "oci:base", "oci:/a/b@" + digest, "tar:x.tar", "x@y", "@", "oci:@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBase(s)
		if err != nil {
			return
		}
		again, err := ParseBase(b.String())
		if err != nil || again != b {
			t.Fatalf("ParseBase(%q) = %+v; String %q reparses to %+v, %v", s, b, b.String(), again, err)
		}
	})
}
