package projectscan

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// layout is what a golden tree must show whatever its golden file says:
// the four findings init exists for, and the warnings that must be there.
type layout struct {
	name     string
	services []string // Discover's result
	dir      string   // the service the findings are about
	python   string
	argv     []string // entrypoint + cmd
	port     int
	lockfile string
	warnings []string // substrings, each of some warning
}

var layouts = []layout{
	{name: "uv-workspace", services: []string{"."}, dir: ".", python: "3.12",
		argv: []string{"uvicorn", "acme_api.main:app", "--host", "0.0.0.0", "--port", "8080"}, port: 8080, lockfile: "uv.lock",
		warnings: []string{}},
	{name: "pip-compile", services: []string{"."}, dir: ".", python: "3.11",
		argv: []string{"gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "app:create_app()"},
		port: 8000, lockfile: "requirements.txt",
		warnings: []string{"the project pins different Pythons: Dockerfile FROM 3.11, .python-version 3.12.8 (Dockerfile:1, .python-version:1)"}},
	{name: "pipfile", services: []string{"."}, dir: ".", python: "3.11",
		argv: []string{"gunicorn", "shop:create_app()", "--workers", "2", "--bind", "0.0.0.0:8000"}, port: 8000, lockfile: "Pipfile.lock",
		warnings: []string{"reads $PORT, which nothing sets: init sets PORT=8000 in env (Procfile:3)"}},
	{name: "poetry", services: []string{"."}, dir: ".", python: "3.13",
		argv: []string{"uvicorn", "billing.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"}, port: 8000, lockfile: "poetry.lock",
		warnings: []string{"EXPOSE says 80 but the server listens on 8000 (Dockerfile:18, Dockerfile:19)",
			"ENV STRIPE_API_KEY is a secret's name with a literal value: not copied"}},
	{name: "pdm", services: []string{"."}, dir: ".", python: "3.11",
		argv: []string{"gunicorn", "-c", "gunicorn.conf.py", "inventory.app:app"}, port: 9000, lockfile: "pdm.lock",
		warnings: []string{"no file pins the Python version; chose 3.11"}},
	{name: "monorepo", services: []string{"services/orders", "services/payments"}, dir: "services/orders", python: "3.13",
		argv: []string{"uvicorn", "orders.main:app", "--host", "0.0.0.0"}, port: 8000, lockfile: "uv.lock",
		warnings: []string{"runs through `uv run`"}},
	{name: "django", services: []string{"."}, dir: ".", python: "3.12",
		argv: []string{"gunicorn", "mysite.wsgi:application", "--log-file", "-"}, port: 8000, lockfile: "requirements/production.txt",
		warnings: []string{"installs development requirements (requirements/local.txt)"}},
}

func TestLayouts(t *testing.T) {
	for _, tc := range layouts {
		t.Run(tc.name, func(t *testing.T) {
			root := layoutRoot(t, tc.name)
			ctx := context.Background()
			found, err := Discover(ctx, root)
			if err != nil {
				t.Fatal(err)
			}
			var dirs []string
			var report bytes.Buffer
			if err := WriteServices(&report, found); err != nil {
				t.Fatal(err)
			}
			for _, f := range found.Found {
				dirs = append(dirs, f.Dir)
			}
			if !slices.Equal(dirs, tc.services) {
				t.Errorf("Discover = %v, want %v", dirs, tc.services)
			}
			for _, dir := range dirs {
				svc, err := ScanService(ctx, root, dir)
				if err != nil {
					t.Fatalf("ScanService(%s): %v", dir, err)
				}
				if err := WriteReport(&report, svc); err != nil {
					t.Fatal(err)
				}
				if dir == tc.dir {
					checkLayout(t, tc, svc)
				}
			}
			golden := filepath.Join("testdata", "layouts", tc.name, "golden.txt")
			if *update {
				if err := os.WriteFile(golden, report.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(report.Bytes(), want) {
				t.Errorf("report differs from %s (run with -update after checking):\n%s", golden, report.String())
			}
		})
	}
}

// layoutRoot is the one project directory of a layout (named like the
// project, since init names a service after its directory).
func layoutRoot(t *testing.T, name string) string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "layouts", name))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			return filepath.Join("testdata", "layouts", name, e.Name())
		}
	}
	t.Fatalf("layout %s has no project directory", name)
	return ""
}

func checkLayout(t *testing.T, tc layout, svc *Service) {
	t.Helper()
	if svc.Python.Version != tc.python {
		t.Errorf("python = %s (%s), want %s", svc.Python.Version, svc.Python.Why, tc.python)
	}
	argv := append(append([]string{}, svc.Command.Entrypoint...), svc.Command.Cmd...)
	if !slices.Equal(argv, tc.argv) {
		t.Errorf("command = %q, want %q", argv, tc.argv)
	}
	if svc.Command.Port != tc.port {
		t.Errorf("port = %d (%s), want %d", svc.Command.Port, svc.Command.PortWhy, tc.port)
	}
	if svc.Lockfile.Path != tc.lockfile {
		t.Errorf("lockfile = %q (%s), want %q", svc.Lockfile.Path, svc.Lockfile.Why, tc.lockfile)
	}
	for _, w := range tc.warnings {
		found := false
		for _, got := range svc.Warnings {
			found = found || bytes.Contains([]byte(got.String()), []byte(w))
		}
		if !found {
			t.Errorf("no warning contains %q; warnings: %v", w, svc.Warnings)
		}
	}
	if len(tc.warnings) == 0 && len(svc.Warnings) != 0 {
		t.Errorf("unexpected warnings: %v", svc.Warnings)
	}
}
