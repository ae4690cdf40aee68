package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const baseIndex = `Package: python3.11-minimal
Version: 3.11.2-6
Architecture: amd64
Depends: libc6 (>= 2.36)
Filename: pool/main/p/python3.11/python3.11-minimal_3.11.2-6_amd64.deb
Size: 100
SHA256: 1111111111111111111111111111111111111111111111111111111111111111

Package: libc6
Version: 2.36-9
Architecture: amd64
Filename: pool/main/g/glibc/libc6_2.36-9_amd64.deb
Size: 200
SHA256: 2222222222222222222222222222222222222222222222222222222222222222

Package: needs-newer-libc
Version: 1
Architecture: amd64
Depends: python3.11-minimal, libc6 (>= 2.40)
Filename: pool/main/n/needs/needs-newer-libc_1_amd64.deb
Size: 1
SHA256: 3333333333333333333333333333333333333333333333333333333333333333
`

// baseProject writes a project whose base.debian resolves from a local
// Packages file.
func baseProject(t *testing.T, packages string) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Packages"), []byte(baseIndex), 0o644)
	yml := "service: svc\nentrypoint: [python3]\nbase:\n  debian:\n    suite: bookworm\n    packages: " + packages + "\n    index: Packages\n"
	if err := os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBaseLockCommand(t *testing.T) {
	dir := baseProject(t, "[python3.11-minimal]")
	code, stdout, stderr := runPinwheel(t, "base", "lock", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "libc6               2.36-9    amd64  200") || !strings.HasSuffix(stdout, "wrote base.lock: 2 packages for bookworm/amd64, 0.0 MB of .debs\n") {
		t.Errorf("stdout:\n%s", stdout)
	}
	first, err := os.ReadFile(filepath.Join(dir, "base.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runPinwheel(t, "base", "lock", "-q", dir); code != 0 {
		t.Fatal("second lock failed")
	}
	second, _ := os.ReadFile(filepath.Join(dir, "base.lock"))
	if string(first) != string(second) {
		t.Errorf("base.lock changed between two runs on the same index")
	}
	code, stdout, _ = runPinwheel(t, "base", "lock", "-o", "json", dir)
	var l struct {
		Suite    string
		Packages []struct{ Name, Version, SHA256 string }
	}
	if err := json.Unmarshal([]byte(stdout), &l); code != 0 || err != nil || l.Suite != "bookworm" || len(l.Packages) != 2 || l.Packages[0].SHA256 == "" {
		t.Errorf("base lock -o json: exit %d, %v, %+v", code, err, l)
	}
	if code, _, _ := runPinwheel(t, "base", "lock", "-o", "yaml", dir); code != ExitUsage {
		t.Errorf("-o yaml: exit %d, want 2", code)
	}
}

func TestBaseLockCommandErrors(t *testing.T) {
	tests := []struct {
		name, packages, want string
	}{
		{"missing_package", "[python3.11-minimal, nope]", "pinwheel.yaml:6:15: base.debian.packages: no package nope in the index for amd64"},
		{"unsatisfiable", "[needs-newer-libc]", "Packages:16: needs-newer-libc 1 depends on libc6 (>= 2.40): no version of libc6 satisfies >= 2.40 (the index has 2.36-9) (needed by needs-newer-libc)"},
		{"bad_config", "python3", "pinwheel.yaml:6:15: base.debian.packages: expected a list of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := baseProject(t, tt.packages)
			code, _, stderr := runPinwheel(t, "base", "lock", dir)
			if code != ExitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "base.lock")); err == nil {
				t.Error("a failed lock wrote base.lock")
			}
		})
	}
	dir := copyHello(t)
	if code, _, stderr := runPinwheel(t, "base", "lock", dir); code != ExitUsage || !strings.Contains(stderr, "no base.debian section") {
		t.Errorf("registry base: exit %d, %s", code, stderr)
	}
}

func TestBuildRefusesDebsThatDoNotMatchTheLock(t *testing.T) {
	for _, tt := range []struct {
		name string
		size int
		want string
	}{
		{"hash_mismatch", 200, "libc6 2.36-9: sha256 "},
		{"truncated", 120, "libc6 2.36-9: 120 bytes, but base.lock says 200 (truncated or a different file); not cached"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := baseProject(t, "[python3.11-minimal]")
			if code, _, stderr := runPinwheel(t, "base", "lock", "-q", dir); code != 0 {
				t.Fatal(stderr)
			}
			pool := filepath.Join(dir, "pool")
			os.MkdirAll(pool, 0o755)
			os.WriteFile(filepath.Join(pool, "libc6_2.36-9_amd64.deb"), []byte(strings.Repeat("x", tt.size)), 0o644)
			yml, _ := os.ReadFile(filepath.Join(dir, "pinwheel.yaml"))
			os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), append(yml, "    pools: [pool]\n"...), 0o644)
			cache := t.TempDir()
			code, _, stderr := runPinwheel(t, "build", dir, "--cache-dir", cache)
			if code != ExitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, %q; want exit 2 and %q", code, stderr, tt.want)
			}
			if m, _ := filepath.Glob(filepath.Join(cache, "debs", "sha256", "*")); len(m) > 0 {
				t.Errorf("cached %v", m)
			}
		})
	}
}
