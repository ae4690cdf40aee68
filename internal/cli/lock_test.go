package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
)

// lockTestdata is internal/lock's fixture corpus.
var lockTestdata = filepath.Join("..", "lock", "testdata")

func TestLockInspectText(t *testing.T) {
	dir := filepath.Join(lockTestdata, "pipfile", "django")
	code, out, errOut := runCheckCLI(t, "lock", "inspect", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	l, err := lock.ParseFile(filepath.Join(dir, "Pipfile.lock"))
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := filepath.Join(dir, "Pipfile.lock") + " (Pipfile.lock): 17 packages, " + lock.Hash(l)
	lines := strings.Split(out, "\n")
	if lines[0] != wantHeader {
		t.Errorf("header = %q, want %q", lines[0], wantHeader)
	}
	if want := "production set: default section (pipenv install --deploy) — 14 of 17 packages"; lines[1] != want {
		t.Errorf("production line = %q, want %q", lines[1], want)
	}
	rows := map[string][]string{}
	for _, line := range lines[3:] {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = f
		}
	}
	tests := map[string]string{
		"NAME":      "NAME VERSION SOURCE GROUPS PROD DIRECT ARTIFACTS HASHED",
		"django":    "django 5.1.3 pypi.org main yes yes 2 yes",
		"acme-auth": "acme-auth 2.4.0 pypi.internal.example main yes yes 1 yes",
		"packaging": "packaging 24.2 pypi.org main,dev yes no 2 yes",
		"mylib":     "mylib - git github.com/acme/mylib.git@8f3c2a1b9d4e main yes yes 0 yes",
		"myproject": "myproject - editable . main yes yes 0 no",
		"pytest":    "pytest 8.3.3 pypi.org dev no yes 2 yes",
	}
	for name, want := range tests {
		if got := strings.Join(rows[name], " "); got != want {
			t.Errorf("row %s = %q, want %q", name, got, want)
		}
	}
	if len(rows) != 18 {
		t.Errorf("%d rows, want header + 17", len(rows))
	}
}

func TestLockInspectJSON(t *testing.T) {
	code, out, errOut := runCheckCLI(t, "lock", "inspect", "-o", "json", filepath.Join(lockTestdata, "requirements", "pip-compile", "requirements.txt"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var l lock.Lock
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	if l.Format != lock.FormatRequirements || len(l.Packages) != 11 || l.Packages[0].Name != "asgiref" || len(l.Packages[0].Artifacts) != 2 {
		t.Errorf("lock = %s with %d packages", l.Format, len(l.Packages))
	}
}

func TestLockHash(t *testing.T) {
	same := filepath.Join(lockTestdata, "hash", "same")
	var hashes []string
	for _, name := range []string{"uv.lock", "pylock.toml", "Pipfile.lock", "requirements.txt"} {
		code, out, errOut := runCheckCLI(t, "lock", "hash", filepath.Join(same, name))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		hashes = append(hashes, strings.TrimSpace(out))
	}
	for i, h := range hashes {
		if !strings.HasPrefix(h, "sha256:") || h != hashes[0] {
			t.Errorf("hash %d = %q, want %q", i, h, hashes[0])
		}
	}
	// A directory is searched: pylock.toml wins over uv.lock, Pipfile.lock and requirements.txt.
	code, out, _ := runCheckCLI(t, "lock", "hash", "-o", "json", same)
	var got struct {
		Path     string `json:"path"`
		Format   string `json:"format"`
		Packages int    `json:"packages"`
		Hash     string `json:"hash"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if got.Path != filepath.Join(same, "pylock.toml") || got.Format != "pylock.toml" || got.Packages != 7 || got.Hash != hashes[0] {
		t.Errorf("json = %+v", got)
	}
}

func TestDiffCommand(t *testing.T) {
	old := filepath.Join(lockTestdata, "diff", "old")
	new := filepath.Join(lockTestdata, "diff", "new", "requirements.txt")
	code, out, errOut := runCheckCLI(t, "diff", old, new)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"↑ upgraded   urllib3    1.26.20 → 2.2.3 (major)",
		"~ changed    pyyaml     6.0.2  SUSPICIOUS",
		"12 change(s): 1 added, 1 removed, 5 upgraded, 1 downgraded",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCheckCLI(t, "diff", "-o", "markdown", old, new)
	if code != 0 || !strings.Contains(out, "| **urllib3** (direct) | ↑ upgraded | 1.26.20 | 2.2.3 | major | **high** |  |") || !strings.Contains(out, "#### Risk") {
		t.Errorf("markdown (exit %d):\n%s", code, out)
	}
	code, out, _ = runCheckCLI(t, "diff", "-o", "json", old, new)
	var c lock.Changes
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if c.Summary.Suspicious != 1 || c.Summary.HashesLost != 1 || c.Old.Format != lock.FormatPipfile || c.New.Format != lock.FormatRequirements {
		t.Errorf("json summary = %+v", c.Summary)
	}
	same := filepath.Join(lockTestdata, "hash", "same")
	code, out, _ = runCheckCLI(t, "diff", filepath.Join(same, "Pipfile.lock"), filepath.Join(same, "pylock.toml"))
	if code != 0 || !strings.Contains(out, "no changes: both install the same packages") {
		t.Errorf("same resolution across formats (exit %d):\n%s", code, out)
	}
}

func TestLockCommandErrors(t *testing.T) {
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "requirements.txt"), []byte("six==1.16.0\nrequests=>2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badManifest := t.TempDir()
	for name, body := range map[string]string{"requirements.txt": "six==1.16.0\n", "pyproject.toml": "[project]\ndependencies = \"six\"\n"} {
		if err := os.WriteFile(filepath.Join(badManifest, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	good := filepath.Join(lockTestdata, "hash", "same", "uv.lock")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{name: "missing_path", args: []string{"lock", "inspect", filepath.Join(empty, "nope")}, stderr: "no such lockfile or project directory"},
		{name: "no_lockfile", args: []string{"lock", "hash", empty}, stderr: "no lockfile found"},
		{name: "parse_error", args: []string{"lock", "inspect", broken}, stderr: filepath.Join(broken, "requirements.txt") + ":2:9: invalid version specifier \"=>2\""},
		{name: "manifest_error", args: []string{"lock", "inspect", badManifest}, stderr: filepath.Join(badManifest, "pyproject.toml") + ":2:1: project.dependencies: expected an array of requirement strings, found a string"},
		{name: "bad_output", args: []string{"lock", "hash", "-o", "yaml", good}, stderr: `unknown output format "yaml"`},
		{name: "diff_one_arg", args: []string{"diff", good}, stderr: "accepts 2 arg(s)"},
		{name: "diff_missing", args: []string{"diff", good, filepath.Join(empty, "nope")}, stderr: "no such lockfile or project directory"},
		{name: "diff_parse_error", args: []string{"diff", broken, good}, stderr: ":2:9: invalid version specifier"},
		{name: "diff_bad_output", args: []string{"diff", "-o", "html", good, good}, stderr: `unknown output format "html"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCheckCLI(t, tt.args...)
			if code != ExitUsage || !strings.Contains(errOut, tt.stderr) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errOut, tt.stderr)
			}
		})
	}
}
