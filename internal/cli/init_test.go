package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

// copyLayout copies a projectscan golden tree into a temporary directory.
func copyLayout(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "projectscan", "testdata", "layouts", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel == "golden.txt" {
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func loadWritten(t *testing.T, dir string) *config.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(config.FileName, data)
	if err != nil {
		t.Fatalf("written pinwheel.yaml does not parse: %v\n%s", err, data)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "placeholder digest") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Validate of the written file = %v, want only the placeholder digest", err)
	}
	return c
}

func TestInitDjangoPrefersGunicorn(t *testing.T) {
	dir := filepath.Join(copyLayout(t, "django"), "mysite")
	code, stdout, stderr := runPinwheel(t, "init", dir)
	if code != 0 {
		t.Fatalf("init exit %d: %s %s", code, stdout, stderr)
	}
	c := loadWritten(t, dir)
	if c.Python != "3.12" || c.Lockfile != "requirements/production.txt" || c.Port != 8000 || c.Workdir != "/code" ||
		!slices.Equal(c.Entrypoint, []string{"gunicorn", "mysite.wsgi:application", "--log-file", "-"}) ||
		c.Env["DJANGO_SETTINGS_MODULE"] != "mysite.settings" {
		t.Errorf("written config: python %s lock %s port %d workdir %s entry %q env %v", c.Python, c.Lockfile, c.Port, c.Workdir, c.Entrypoint, c.Env)
	}
	for _, want := range []string{"Procfile web, server gunicorn  [Procfile:2]", "from bind in gunicorn.conf.py  [gunicorn.conf.py:2]", "a development server  [Dockerfile:12]"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
}

func TestInitPoetryEntrypointAndCmd(t *testing.T) {
	dir := filepath.Join(copyLayout(t, "poetry"), "billing")
	if code, stdout, stderr := runPinwheel(t, "init", dir); code != 0 {
		t.Fatalf("init exit %d: %s %s", code, stdout, stderr)
	}
	c := loadWritten(t, dir)
	if c.Python != "3.13" || c.User != "10001:10001" || !slices.Equal(c.Entrypoint, []string{"uvicorn", "billing.main:app"}) ||
		!slices.Equal(c.Cmd, []string{"--host", "0.0.0.0", "--port", "8000", "--proxy-headers"}) {
		t.Errorf("written config: python %s user %s entry %q cmd %q", c.Python, c.User, c.Entrypoint, c.Cmd)
	}
	data, _ := os.ReadFile(filepath.Join(dir, config.FileName))
	if strings.Contains(string(data), "sk_test_placeholder") || strings.Contains(string(data), "STRIPE_API_KEY:") {
		t.Errorf("a secret from the Dockerfile reached pinwheel.yaml:\n%s", data)
	}
	if !strings.Contains(string(data), "#   - EXPOSE says 80 but the server listens on 8000") {
		t.Errorf("warnings are not in the written file:\n%s", data)
	}
}

func TestInitJSON(t *testing.T) {
	dir := filepath.Join(copyLayout(t, "pdm"), "inventory")
	code, stdout, stderr := runPinwheel(t, "init", dir, "--dry-run", "-o", "json")
	var got struct {
		Services []struct {
			Python   struct{ Version string }
			Command  struct{ Port int }
			Lockfile struct{ Path string }
			Warnings []struct{ Message string }
		}
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil || len(got.Services) != 1 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	if s := got.Services[0]; s.Python.Version != "3.11" || s.Command.Port != 9000 || s.Lockfile.Path != "pdm.lock" || len(s.Warnings) == 0 {
		t.Errorf("json: %+v", s)
	}
	if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
		t.Error("--dry-run wrote pinwheel.yaml")
	}
}

func TestInitMonorepo(t *testing.T) {
	root := filepath.Join(copyLayout(t, "monorepo"), "shop")
	code, stdout, stderr := runPinwheel(t, "init", root)
	if code != ExitUsage || !strings.Contains(stderr, "services/orders") || !strings.Contains(stderr, "services/payments/Pipfile.lock") ||
		!strings.Contains(stderr, "--all") {
		t.Fatalf("ambiguous init: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "services", "orders", config.FileName)); err == nil {
		t.Fatal("ambiguous init wrote a file")
	}
	if code, stdout, stderr = runPinwheel(t, "init", "--all", root); code != 0 {
		t.Fatalf("init --all exit %d: %s %s", code, stdout, stderr)
	}
	orders := loadWritten(t, filepath.Join(root, "services", "orders"))
	payments := loadWritten(t, filepath.Join(root, "services", "payments"))
	if orders.Python != "3.13" || orders.Lockfile != "uv.lock" || payments.Python != "3.12" || payments.Port != 5000 || payments.Lockfile != "Pipfile.lock" {
		t.Errorf("orders %s %s, payments %s %d %s", orders.Python, orders.Lockfile, payments.Python, payments.Port, payments.Lockfile)
	}
	if code, _, stderr = runPinwheel(t, "init", "--all", root); code != ExitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("second init --all: exit %d %s", code, stderr)
	}
	if code, stdout, _ = runPinwheel(t, "init", filepath.Join(root, "services", "payments"), "--dry-run", "--force"); code != 0 || !strings.Contains(stdout, "port: 5000") {
		t.Errorf("init of one service dir: exit %d %s", code, stdout)
	}
}

// init never reads secret-shaped files, never copies a secret into
// pinwheel.yaml, and never follows a link out of the project.
func TestInitSecretSafeAndConfined(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "pyproject.toml"), []byte("[project]\nname = \"stolen-name\"\n"), 0o644)
	dir := t.TempDir()
	files := map[string]string{
		".env":             "SECRET_KEY=dotenv-value-never-copied\nPORT=7777\n",
		"Dockerfile":       "FROM python:3.12-slim\nENV DB_PASSWORD=hunter2 APP_MODE=prod\nCMD [\"gunicorn\", \"app:app\", \"-b\", \"0.0.0.0:8000\"]\n",
		"requirements.txt": "gunicorn==23.0.0 \\\n    --hash=sha256:" + strings.Repeat("ab", 32) + "\n",
	}
	for name, data := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
	}
	code, stdout, stderr := runPinwheel(t, "init", dir)
	if code != 0 {
		t.Fatalf("init exit %d: %s %s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, config.FileName))
	for _, leaked := range []string{"dotenv-value-never-copied", "7777", "hunter2"} {
		if strings.Contains(string(data)+stdout, leaked) {
			t.Errorf("%q leaked:\n%s\n%s", leaked, stdout, data)
		}
	}
	if !strings.Contains(stdout, "secrets:    .env  (never read") || !strings.Contains(string(data), "APP_MODE: \"prod\"") {
		t.Errorf("report or config:\n%s\n%s", stdout, data)
	}

	link := t.TempDir()
	os.Symlink(filepath.Join(outside, "pyproject.toml"), filepath.Join(link, "pyproject.toml"))
	code, stdout, stderr = runPinwheel(t, "init", link)
	if code != ExitUsage || !strings.Contains(stderr, "pyproject.toml") || strings.Contains(stdout+stderr, "stolen") {
		t.Errorf("init through a link out: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestInitBadInputNamesTheLine(t *testing.T) {
	for _, tc := range []struct{ file, data, want string }{
		{"Procfile", "web: gunicorn app:app\nthis is not a process line\n", "Procfile:2:1: want \"TYPE: command\""},
		{"Dockerfile", "FROM python:3.12\nENV ONLYKEY\n", "Dockerfile:2"},
		{"pyproject.toml", "[project]\nname = \n", "pyproject.toml:2"},
		{"Pipfile", "[requires]\npython_version = 3.12\n", "Pipfile:2"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.data), 0o644)
			os.WriteFile(filepath.Join(dir, "main.py"), nil, 0o644)
			code, _, stderr := runPinwheel(t, "init", dir)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %s; want 2 and %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
				t.Error("pinwheel.yaml written despite the error")
			}
		})
	}
}

func TestInitPromptPicksAService(t *testing.T) {
	found := &projectscan.Services{Found: []projectscan.Found{{Dir: "services/orders"}, {Dir: "services/payments"}}}
	for answer, want := range map[string][]string{
		"2\n":   {"services/payments"},
		"all\n": {"services/orders", "services/payments"},
	} {
		var out bytes.Buffer
		got, err := pickServices(Streams{In: strings.NewReader(answer), Out: &out, Err: &out}, "shop", found, false, true)
		if err != nil || !slices.Equal(got, want) || !strings.Contains(out.String(), "which one? (1-2, or all)") {
			t.Errorf("answer %q: %v, %v\n%s", answer, got, err, out.String())
		}
	}
	_, err := pickServices(Streams{In: strings.NewReader("7\n"), Out: io.Discard, Err: io.Discard}, "shop", found, false, true)
	if !errors.As(err, new(*ExitError)) || !strings.Contains(err.Error(), "no service \"7\"") {
		t.Errorf("a wrong answer: %v", err)
	}
}
