package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCheckCLI runs the whole command tree with buffers and returns the exit
// code the process would have; the check, lock and diff tests all use it.
func runCheckCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	root := NewRootCommand(Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	root.SetArgs(args)
	code = reportError(&errb, root.ExecuteContext(context.Background()))
	return code, out.String(), errb.String()
}

// checkProject writes files (name → contents) into a new directory.
func checkProject(t *testing.T, files map[string]string) string {
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

const hashedRequirements = "flask==3.0.3 \\\n    --hash=sha256:34e7c2dc8ee3ba8ae5f4dc6a8a1d7a0f2cbcb5a9b2e1c3c0a3e9f2b7d9f0e4a1\n"

func TestCheckFailOnExitCodes(t *testing.T) {
	// One medium finding (PW301: FROM without digest), nothing higher.
	medium := checkProject(t, map[string]string{
		"requirements.txt": hashedRequirements,
		"Dockerfile":       "FROM python:3.11.9-slim\nCOPY requirements.txt .\nRUN pip install --require-hashes -r requirements.txt\n",
	})
	clean := checkProject(t, map[string]string{"requirements.txt": hashedRequirements})
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"default_high_passes_medium", []string{"check", medium}, 0},
		{"fail_on_medium", []string{"check", "--fail-on", "medium", medium}, 1},
		{"fail_on_low", []string{"check", "--fail-on=low", medium}, 1},
		{"fail_on_sarif_warning", []string{"check", "--fail-on", "warning", medium}, 1},
		{"fail_on_critical", []string{"check", "--fail-on", "critical", medium}, 0},
		{"clean_fail_on_info", []string{"check", "--fail-on", "info", clean}, 0},
		{"bad_severity", []string{"check", "--fail-on", "severe", medium}, 2},
		{"bad_output", []string{"check", "-o", "xml", medium}, 2},
		{"missing_dir", []string{"check", filepath.Join(medium, "nope")}, 2},
		{"two_dirs", []string{"check", medium, clean}, 2},
		{"not_a_lockfile", []string{"check", filepath.Join(medium, "Dockerfile")}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCheckCLI(t, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.want, stderr)
			}
		})
	}
}

func TestCheckInputErrorNamesFileAndLine(t *testing.T) {
	dir := checkProject(t, map[string]string{
		"requirements.txt": hashedRequirements,
		"pyproject.toml":   "[project]\nname = \"svc\"\nrequires-python = >=3.11\n",
	})
	code, stdout, stderr := runCheckCLI(t, "check", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
	}
	if !strings.Contains(stderr, "pyproject.toml:3:") {
		t.Errorf("stderr %q does not name pyproject.toml:3", stderr)
	}
	if stdout != "" {
		t.Errorf("no report may be written on input errors, got %q", stdout)
	}
}

func TestCheckOutputFormats(t *testing.T) {
	dir := checkProject(t, map[string]string{"requirements.txt": "flask>=3\n"})
	_, text, _ := runCheckCLI(t, "check", dir)
	if !strings.Contains(text, "PW105") || !strings.Contains(text, "requirements.txt") {
		t.Errorf("text output lacks the finding:\n%s", text)
	}
	_, js, _ := runCheckCLI(t, "check", "-o", "json", dir)
	var rep struct {
		Findings []struct {
			RuleID string `json:"ruleId"`
			Line   int    `json:"line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("json output: %v\n%s", err, js)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || (f.RuleID == "PW105" && f.Line == 1)
	}
	if !found {
		t.Errorf("json output lacks PW105 at line 1: %s", js)
	}
	_, sarif, _ := runCheckCLI(t, "check", "-o", "sarif", dir)
	if !strings.Contains(sarif, `"version": "2.1.0"`) || !strings.Contains(sarif, `"ruleId": "PW105"`) {
		t.Errorf("sarif output lacks version or result:\n%.400s", sarif)
	}
}

// TestCheckLockfilePath: PATH may be the lockfile, which then wins over the
// one lock.Detect would pick (pylock.toml before requirements.txt here).
func TestCheckLockfilePath(t *testing.T) {
	dir := checkProject(t, map[string]string{
		"requirements.txt": hashedRequirements,
		"pylock.toml":      "lock-version = \"1.0\"\ncreated-by = \"pip\"\n\n[[packages]]\nname = \"flask\"\nversion = \"3.0.3\"\n",
	})
	tests := []struct {
		name     string
		path     string
		lockfile string
	}{
		{"directory", dir, "pylock.toml"},
		{"lockfile", filepath.Join(dir, "requirements.txt"), "requirements.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, js, stderr := runCheckCLI(t, "check", "-o", "json", tt.path)
			var rep struct {
				Lockfile string `json:"lockfile"`
			}
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatalf("json output: %v (stderr %q)", err, stderr)
			}
			if rep.Lockfile != tt.lockfile {
				t.Errorf("lockfile %q, want %q", rep.Lockfile, tt.lockfile)
			}
		})
	}
}
