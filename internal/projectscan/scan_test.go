package projectscan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Workspace members are part of their workspace, even with a Dockerfile;
// a directory beside them with its own Dockerfile is a service; symlinked
// directories are not followed.
func TestDiscoverWorkspaceAndLinks(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"pyproject.toml":               "[project]\nname = \"ws\"\n[tool.uv.workspace]\nmembers = [\"apps/*\"]\nexclude = [\"apps/legacy\"]\n",
		"uv.lock":                      "version = 1\nrequires-python = \">=3.12\"\n",
		"apps/api/pyproject.toml":      "[project]\nname = \"api\"\n",
		"apps/api/Dockerfile":          "FROM python:3.12\n",
		"apps/legacy/pyproject.toml":   "[project]\nname = \"legacy\"\n",
		"apps/legacy/Dockerfile":       "FROM python:3.9\n",
		"tools/admin/requirements.txt": "flask==3.1.0\n",
		"tools/admin/Procfile":         "web: flask run\n",
	})
	outside := writeTree(t, map[string]string{"svc/pyproject.toml": "[project]\nname = \"x\"\n", "svc/uv.lock": "version = 1\n"})
	if err := os.Symlink(filepath.Join(outside, "svc"), filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	found, err := Discover(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, f := range found.Found {
		dirs = append(dirs, f.Dir)
	}
	if want := []string{".", "apps/legacy", "tools/admin"}; !slices.Equal(dirs, want) {
		t.Errorf("Discover = %v, want %v", dirs, want)
	}
}

// A Dockerfile's ENTRYPOINT script beats a console script named "start";
// the script's source is named; `poetry run` inside a shell line is dropped.
func TestScanEntrypointScriptAndRunners(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"pyproject.toml":  "[tool.poetry]\nname = \"recipes\"\n[tool.poetry.scripts]\nstart = \"recipes.app:main\"\n",
		"docker/entry.sh": "#!/bin/sh\nexec python /app/recipes/main.py\n",
		"Dockerfile": "FROM python:3.12-slim\nENV HOME_DIR=/app\nWORKDIR $HOME_DIR\n" +
			"COPY ./docker/entry.sh run.sh\nEXPOSE 9000\nENTRYPOINT [\"/app/run.sh\"]\n",
	})
	svc, err := ScanService(context.Background(), dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(svc.Command.Entrypoint, []string{"/app/run.sh"}) || svc.Command.Port != 9000 {
		t.Errorf("command %q port %d", svc.Command.Entrypoint, svc.Command.Port)
	}
	if !hasWarning(svc, "ENTRYPOINT runs a script (/app/run.sh, copied from docker/entry.sh)") {
		t.Errorf("warnings: %v", svc.Warnings)
	}

	dir = writeTree(t, map[string]string{
		"Dockerfile": "FROM python:3.11\nCMD poetry run alembic upgrade head && poetry run --no-root uvicorn app.main:app --host 0.0.0.0\n",
	})
	if svc, err = ScanService(context.Background(), dir, "."); err != nil {
		t.Fatal(err)
	}
	want := []string{"/bin/sh", "-c", "alembic upgrade head && uvicorn app.main:app --host 0.0.0.0"}
	if !slices.Equal(svc.Command.Entrypoint, want) || svc.Command.Server != "uvicorn" || !hasWarning(svc, "runs through `poetry run`") {
		t.Errorf("command %q server %q warnings %v", svc.Command.Entrypoint, svc.Command.Server, svc.Warnings)
	}
}

// Loopback binds, a Dockerfile COPY renaming a requirements file, and a
// requirements file without hashes.
func TestScanBindAndRenamedRequirements(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"deploy/requirements-prod.txt": "gunicorn==23.0.0\nflask==3.1.0\n",
		"requirements.txt":             "-r deploy/requirements-prod.txt\npytest==8.3.4\n",
		"Dockerfile": "FROM python:3.12\nCOPY deploy/requirements-prod.txt /tmp/req.txt\n" +
			"RUN apt-get update && rm -rf /var/lib/apt/lists/* && pip install -r /tmp/req.txt\nCMD [\"gunicorn\", \"app:app\"]\n",
	})
	svc, err := ScanService(context.Background(), dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	if svc.Lockfile.Path != "deploy/requirements-prod.txt" || svc.Lockfile.At.Line != 3 {
		t.Errorf("lockfile %+v", svc.Lockfile)
	}
	for _, w := range []string{"gunicorn listens on 127.0.0.1 (gunicorn's default host)", "pinned with == but without hashes"} {
		if !hasWarning(svc, w) {
			t.Errorf("no warning %q: %v", w, svc.Warnings)
		}
	}
}

func hasWarning(svc *Service, s string) bool {
	for _, w := range svc.Warnings {
		if strings.Contains(w.String(), s) {
			return true
		}
	}
	return false
}

// A command line holding a credential is neither chosen nor repeated.
func TestScanCommandWithCredential(t *testing.T) {
	token := "ghp_" + strings.Repeat("a1B2", 9)
	dir := writeTree(t, map[string]string{
		"Procfile":   "web: gunicorn app:app --bind 0.0.0.0:8000 --env GITHUB_TOKEN=" + token + "\n",
		"Dockerfile": "FROM python:3.12\nCMD [\"uvicorn\", \"app:app\", \"--header\", \"x-token:" + token + "\"]\n",
	})
	svc, err := ScanService(context.Background(), dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteReport(&b, svc)
	if strings.Contains(b.String(), token) || len(svc.Command.Entrypoint)+len(svc.Command.Cmd) != 0 {
		t.Errorf("the token reached the result:\n%s", b.String())
	}
	if !hasWarning(svc, "holds what looks like a GitHub token: the command is not copied") {
		t.Errorf("warnings: %v", svc.Warnings)
	}
}

// With no service at the root or below it, the one Python project one
// level down is the service (backend/ beside frontend/).
func TestDiscoverOneProjectBelow(t *testing.T) {
	dir := writeTree(t, map[string]string{"backend/pyproject.toml": "[project]\nname = \"api\"\n", "frontend/package.json": "{}"})
	found, err := Discover(context.Background(), dir)
	if err != nil || len(found.Found) != 1 || found.Found[0].Dir != "backend" {
		t.Errorf("Discover = %+v, %v", found, err)
	}
}

// A Dockerfile whose command comes from its base image still gives the
// port, user and workdir it sets.
func TestScanCommandFromBaseImage(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Dockerfile": "FROM tiangolo/uvicorn-gunicorn-fastapi:python3.11\nWORKDIR /app/\nUSER 1000\nEXPOSE 80\nCOPY ./app /app/app\n",
	})
	svc, err := ScanService(context.Background(), dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	c := svc.Command
	if svc.Python.Version != "3.11" || c.Port != 80 || c.User != "1000" || c.Workdir != "/app" || len(c.Entrypoint)+len(c.Cmd) != 0 {
		t.Errorf("python %s, command %+v", svc.Python.Version, c)
	}
	if !hasWarning(svc, "comes from the base image tiangolo/uvicorn-gunicorn-fastapi:python3.11, which init cannot read") {
		t.Errorf("warnings: %v", svc.Warnings)
	}
}

// The cases config's old Detect tested, with what init now says: the same
// finds, except that a bare range picks the oldest maintained release
// (3.11 for >=3.10, which reached its end of life) and says so.
func TestScanOldDetectCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  map[string]string
		python string
		argv   []string
		lock   string
		warn   string
	}{
		{"python_version_file", map[string]string{".python-version": "3.12.4\n", "main.py": "", "requirements.txt": "x==1\n"},
			"3.12", []string{"python", "main.py"}, "requirements.txt", "pinned with == but without hashes"},
		{"pyproject", map[string]string{"pyproject.toml": "[project]\nname = \"My_Service\"\nrequires-python = \">=3.10\"\n[project.scripts]\nserve = \"svc:main\"\n"},
			"3.11", []string{"serve"}, "", "no file pins the Python version; chose 3.11"},
		{"package_main", map[string]string{"svc/__main__.py": "", "uv.lock": "version = 1\n"},
			"3.11", []string{"python", "-m", "svc"}, "uv.lock", "the entrypoint is a guess from svc/__main__.py"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, err := ScanService(context.Background(), writeTree(t, tc.files), ".")
			if err != nil {
				t.Fatal(err)
			}
			if svc.Python.Version != tc.python || !slices.Equal(svc.Command.Entrypoint, tc.argv) || svc.Lockfile.Path != tc.lock || !hasWarning(svc, tc.warn) {
				t.Errorf("python %s entry %q lock %q warnings %v", svc.Python.Version, svc.Command.Entrypoint, svc.Lockfile.Path, svc.Warnings)
			}
			if tc.name == "pyproject" && svc.Name != "my-service" {
				t.Errorf("name %q", svc.Name)
			}
		})
	}
}
