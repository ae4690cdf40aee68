package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRenderStarter(t *testing.T) {
	tests := []struct {
		name string
		s    Starter
	}{
		{"entrypoint_and_port", Starter{Service: "shop", Python: "3.12", PythonNote: "pinned by .python-version [.python-version:1]",
			Lockfile: "requirements/prod.txt", LockNote: "the Dockerfile installs from it [Dockerfile:9]",
			Entrypoint: []string{"gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"}, EntryNote: "Procfile web [Procfile:2]",
			Port: 8000, PortNote: "--bind", Workdir: "/srv", User: "10001", UserNote: "USER [Dockerfile:12]",
			Env:      []StarterEnv{{"DJANGO_SETTINGS_MODULE", "shop.settings", "Dockerfile:3"}},
			Warnings: []string{"the project pins different Pythons"}}},
		{"entrypoint_and_cmd", Starter{Service: "billing", Python: "3.13", Entrypoint: []string{"uvicorn", "billing.main:app"},
			Cmd: []string{"--host", "0.0.0.0"}}},
		{"cmd_only", Starter{Service: "api", Python: "3.11", Cmd: []string{"python", "-m", "api"}}},
		{"nothing_found", Starter{Service: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Render(tt.s)
			c, err := Parse("pinwheel.yaml", out)
			if err != nil {
				t.Fatalf("rendered file does not parse: %v\n%s", err, out)
			}
			wantPy := tt.s.Python
			if wantPy == "" {
				wantPy = Defaults().Python
			}
			if c.Service != tt.s.Service || c.Python != wantPy || c.Lockfile != tt.s.Lockfile || c.Port != tt.s.Port {
				t.Errorf("round trip: %+v", c)
			}
			if len(tt.s.Entrypoint)+len(tt.s.Cmd) > 0 && (!reflect.DeepEqual(c.Entrypoint, tt.s.Entrypoint) || !reflect.DeepEqual(c.Cmd, tt.s.Cmd)) {
				t.Errorf("round trip: entrypoint %q cmd %q", c.Entrypoint, c.Cmd)
			}
			if tt.s.Workdir != "" && c.Workdir != tt.s.Workdir || tt.s.User != "" && c.User != tt.s.User {
				t.Errorf("round trip: workdir %q user %q", c.Workdir, c.User)
			}
			for _, e := range tt.s.Env {
				if c.Env[e.Name] != e.Value {
					t.Errorf("env %s = %q, want %q", e.Name, c.Env[e.Name], e.Value)
				}
			}
			for _, w := range tt.s.Warnings {
				if !strings.Contains(string(out), "#   - "+w) {
					t.Errorf("warning %q not written as a comment", w)
				}
			}
			// The commented secretEnv example is valid once uncommented.
			uncommented := strings.NewReplacer("# secretEnv:", "secretEnv:", "#   DB_PASSWORD:", "  DB_PASSWORD:", "#     ", "    ").Replace(string(out))
			if c, err := Parse("pinwheel.yaml", []byte(uncommented)); err != nil || c.SecretEnv["DB_PASSWORD"].SecretKeyRef == nil || c.SecretEnv["DB_PASSWORD"].FromEnv != "DB_PASSWORD" {
				t.Errorf("the secretEnv example, uncommented: %+v, %v", c, err)
			}
			// The placeholder base must be the only thing Validate complains about.
			err = c.Validate()
			if err == nil || !strings.Contains(err.Error(), "placeholder digest") || strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("Validate of fresh init = %v", err)
			}
		})
	}
}

// Render never writes a secret into env:, and no value from the project
// can break out of a comment.
func TestRenderStarterIsSafe(t *testing.T) {
	s := Starter{Service: "x", Python: "3.12", Entrypoint: []string{"app"},
		Env: []StarterEnv{
			{"STRIPE_API_KEY", "sk_live_literal", ""},
			{"DATABASE_URL", "postgres://app:hunter2@db/app", ""},
			{"APP_MODE", "prod", "Dockerfile:3\nport: 1"},
		},
		Warnings: []string{"evil\nservice: hijacked"},
		LockNote: "x\r\nuser: root", Lockfile: "uv.lock"}
	out := string(Render(s))
	for _, leaked := range []string{"sk_live_literal", "hunter2", "STRIPE_API_KEY"} {
		if strings.Contains(out, leaked) {
			t.Errorf("rendered file holds %q:\n%s", leaked, out)
		}
	}
	c, err := Parse("pinwheel.yaml", []byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if c.Service != "x" || c.Port != 0 || c.User != "65532" || c.Env["APP_MODE"] != "prod" {
		t.Errorf("a note broke out of its comment: %+v\n%s", c, out)
	}
}

func TestWriteInitRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	s := Starter{Service: "svc", Python: "3.12", Entrypoint: []string{"python", "main.py"}}
	p, err := WriteInit(dir, s, false)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(p)
	os.WriteFile(p, []byte("mine"), 0o644)
	if _, err := WriteInit(dir, s, false); !errors.Is(err, ErrExists) {
		t.Fatalf("second WriteInit = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "mine" {
		t.Errorf("file overwritten without force")
	}
	if _, err := WriteInit(dir, s, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != string(first) {
		t.Errorf("force did not rewrite")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".pinwheel-*"))
	if len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
}
