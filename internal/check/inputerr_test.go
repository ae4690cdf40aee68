package check

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// writeProject writes files (name → contents) into a new directory.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const lockedRequirements = "flask==3.0.3 \\\n    --hash=sha256:34e7c2dc8ee3ba8ae5f4dc6a8a1d7a0f2cbcb5a9b2e1c3c0a3e9f2b7d9f0e4a1\n"

// TestInputErrors: broken inputs are errors naming file and line, never
// findings or panics.
func TestInputErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // prefix of the error: file:line:col
	}{
		{"pyproject_toml", map[string]string{"requirements.txt": lockedRequirements,
			"pyproject.toml": "[project]\nname = \"svc\"\ndependencies = [\"flask\"\n"}, "pyproject.toml:3:"},
		{"pipfile_toml", map[string]string{"Pipfile": "[packages\nflask = \"*\"\n"}, "Pipfile:1:10:"},
		{"pipfile_lock_json", map[string]string{"Pipfile.lock": "{\n  \"_meta\": {,\n}\n"}, "Pipfile.lock:2:13:"},
		{"dockerfile_escape", map[string]string{"requirements.txt": lockedRequirements,
			"Dockerfile": "# escape=x\nFROM python:3.11.9\n"}, "Dockerfile:1:10:"},
		{"dockerfile_env", map[string]string{"requirements.txt": lockedRequirements,
			"Dockerfile": "FROM python:3.11.9\n  ENV ONLYNAME\n"}, "Dockerfile:2:3:"},
		{"dockerfile_heredoc", map[string]string{"requirements.txt": lockedRequirements,
			"Dockerfile": "FROM python:3.11.9\nRUN <<EOF\npip install x\n"}, "Dockerfile:2:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, tt.files)
			_, err := Run(context.Background(), dir)
			if err == nil {
				t.Fatal("Run succeeded on broken input")
			}
			if !inputerr.Is(err) {
				t.Errorf("error %v is not an input error", err)
			}
			rel := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
			if !strings.HasPrefix(rel, tt.want) {
				t.Errorf("error %q does not start with %q", rel, tt.want)
			}
		})
	}
}

func TestRunRejectsNonDirectory(t *testing.T) {
	dir := writeProject(t, map[string]string{"requirements.txt": lockedRequirements})
	if _, err := Run(context.Background(), filepath.Join(dir, "requirements.txt")); err == nil {
		t.Error("Run accepted a file as project directory")
	}
	if _, err := Run(context.Background(), filepath.Join(dir, "missing")); err == nil {
		t.Error("Run accepted a missing directory")
	}
}

func TestRunHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, filepath.Join("testdata", "projects", "rich")); err == nil {
		t.Error("Run ignored a cancelled context")
	}
}
