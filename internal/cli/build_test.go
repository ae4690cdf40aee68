package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"strings"
	"testing"
)

// copyHello copies examples/hello so the test never writes into the repo,
// on the synthetic base.
func copyHello(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "hello")
	cmd := exec.Command("cp", "-r", "../../examples/hello", dst)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	// These tests need a build, not a Python that runs: the tiny base.
	if err := imagetest.UseSyntheticBase(dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestBuildAndVerifyCommands(t *testing.T) {
	dir := copyHello(t)
	out := filepath.Join(t.TempDir(), "hello.oci")
	cache := t.TempDir()
	code, stdout, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", cache, "-o", "json")
	if code != 0 {
		t.Fatalf("build exit %d: %s", code, stderr)
	}
	var res struct {
		Digest    string
		BuildInfo struct{ Service, LockHash string }
		Outputs   []struct{ Ref string }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("build -o json: %v\n%s", err, stdout)
	}
	if !strings.HasPrefix(res.Digest, "sha256:") || res.BuildInfo.Service != "hello" || len(res.Outputs) != 1 {
		t.Errorf("result %+v", res)
	}

	code, stdout, stderr = runPinwheel(t, "verify-reproducible", dir, "--against", "oci:"+out, "--cache-dir", cache)
	if code != 0 || !strings.Contains(stdout, "reproducible:") || !strings.HasSuffix(strings.TrimSpace(stdout), res.Digest) {
		t.Fatalf("verify exit %d: %s %s", code, stdout, stderr)
	}

	os.WriteFile(filepath.Join(dir, "hello", "extra.py"), []byte("x = 1\n"), 0o644)
	code, stdout, _ = runPinwheel(t, "verify-reproducible", dir, "--against", "oci:"+out, "--cache-dir", cache)
	if code != ExitNo || !strings.Contains(stdout, "app/hello/extra.py: only in rebuilt") {
		t.Fatalf("verify after change exit %d:\n%s", code, stdout)
	}
}

func TestBuildCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args func(dir string) []string
		code int
		want string
	}{
		{"bad_format", func(d string) []string { return []string{"build", d, "-o", "yaml"} }, ExitUsage, "unknown output format"},
		{"destination_as_format", func(d string) []string { return []string{"build", d, "-o", "oci:out"} }, ExitUsage, "use --output oci:out"},
		{"no_config", func(d string) []string { return []string{"build", emptySibling(d)} }, ExitUsage, "pinwheel init"},
		{"bad_output", func(d string) []string { return []string{"build", d, "--output", "oci:"} }, ExitUsage, "oci: needs a directory"},
		{"verify_needs_against", func(d string) []string { return []string{"verify-reproducible", d} }, ExitUsage, "--against is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyHello(t)
			code, _, stderr := runPinwheel(t, append(tt.args(dir), "--cache-dir", t.TempDir())...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d stderr %q; want %d %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// emptySibling returns an empty sibling directory of d.
func emptySibling(d string) string {
	e := filepath.Join(filepath.Dir(d), "empty")
	os.MkdirAll(e, 0o755)
	return e
}

func TestInitCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.py"), []byte("print(1)\n"), 0o644)
	code, stdout, stderr := runPinwheel(t, "init", dir)
	if code != 0 || !strings.Contains(stdout, "wrote ") {
		t.Fatalf("init exit %d: %s %s", code, stdout, stderr)
	}
	if code, _, stderr = runPinwheel(t, "init", dir); code != ExitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("second init: exit %d %s", code, stderr)
	}
	if code, _, _ = runPinwheel(t, "init", dir, "--force"); code != 0 {
		t.Errorf("init --force exit %d", code)
	}
}
