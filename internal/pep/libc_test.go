package pep

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

func TestDetectLibcBanners(t *testing.T) {
	tests := []struct {
		name, data    string
		libc, version string
		ok            bool
	}{
		{"debian", "\x00junk\x00GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36.\nCopyright", "glibc", "2.36", true},
		{"rhel", "GNU C Library (GNU libc) stable release version 2.28.\n", "glibc", "2.28", true},
		{"development", "GNU C Library (GNU libc) development release version 2.40.9000.\n", "glibc", "2.40", true},
		{"musl", "\x00musl libc (x86_64)\x00Version %s\n\x00other\x001.2.4\x00", "musl", "1.2", true},
		{"neither", "\x00hello\x001.2.3\x00", "", "", false},
		{"banner_without_version", "GNU C Library\x00", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			libc, version, ok := DetectLibc([]byte(tt.data))
			if libc != tt.libc || version != tt.version || ok != tt.ok {
				t.Errorf("DetectLibc = %q %q %v, want %q %q %v", libc, version, ok, tt.libc, tt.version, tt.ok)
			}
		})
	}
}

// TestDetectLibcOnThisMachine reads the real C library files of this
// machine and checks the answer against what the libraries say when run.
func TestDetectLibcOnThisMachine(t *testing.T) {
	found := false
	for _, path := range LibcPaths("x86_64") {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		found = true
		libc, version, ok := DetectLibc(data)
		if !ok || libc != "glibc" {
			t.Fatalf("%s: DetectLibc = %q %q %v", path, libc, version, ok)
		}
		out, err := exec.Command("ldd", "--version").Output()
		if err != nil {
			t.Skipf("ldd: %v", err)
		}
		if want := regexp.MustCompile(`(\d+\.\d+)\s*$`).FindSubmatch([]byte(firstLine(string(out)))); want == nil || string(want[1]) != version {
			t.Errorf("%s: version %s, ldd says %q", path, version, firstLine(string(out)))
		}
		break
	}
	if !found {
		t.Skip("no glibc at the x86_64 Debian paths")
	}
	// Debian's musl package puts Alpine's libc here; run it to learn its version.
	const musl = "/lib/x86_64-linux-musl/libc.so"
	data, err := os.ReadFile(musl)
	if err != nil {
		t.Log("musl not installed; skipping the musl half")
		return
	}
	libc, version, ok := DetectLibc(data)
	out, _ := exec.Command(musl).CombinedOutput() // exits 1 after printing its version
	m := regexp.MustCompile(`Version (\d+\.\d+)\.\d+`).FindSubmatch(out)
	if !ok || libc != "musl" || m == nil || string(m[1]) != version {
		t.Errorf("%s: DetectLibc = %q %q %v; it says %q", musl, libc, version, ok, out)
	}
}

func firstLine(s string) string {
	for i := range s {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

func TestLibcPaths(t *testing.T) {
	paths := LibcPaths("aarch64")
	if paths[0] != "/lib/aarch64-linux-gnu/libc.so.6" || paths[len(paths)-1] != "/lib/libc.musl-aarch64.so.1" {
		t.Errorf("LibcPaths(aarch64) = %v", paths)
	}
}
