package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Files a project names outside itself, or that are not regular files, are
// input errors (exit 2) at the line naming them, and never echoed.
func TestHostileIncludesExitTwo(t *testing.T) {
	t.Setenv("PINWHEEL_CANARY_TOKEN", "s3cr3t-canary")
	for _, tc := range []struct{ name, line, want string }{
		{"proc_environ", "-r /proc/self/environ", "is outside the allowed directory"},
		{"etc_hostname", "-r ../../../../../../../../etc/hostname", "is outside the allowed directory"},
		{"fifo", "-c pipe.txt", "not a regular file (it is a named pipe)"},
		{"long_name", "-r " + strings.Repeat("n", 1<<20), "bytes)"},
	} {
		for _, cmd := range [][]string{{"lock", "inspect"}, {"check"}} {
			t.Run(tc.name+"_"+cmd[0], func(t *testing.T) {
				dir := checkProject(t, map[string]string{"requirements.txt": "flask==3.1.0 --hash=sha256:" + strings.Repeat("a", 64) + "\n" + tc.line + "\n"})
				if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
					t.Fatal(err)
				}
				target := dir
				if cmd[0] == "lock" {
					target = filepath.Join(dir, "requirements.txt")
				}
				code, _, stderr := runCheckCLI(t, append(cmd, target)...)
				if code != 2 || !strings.Contains(stderr, "requirements.txt:2:1") || !strings.Contains(stderr, tc.want) {
					t.Fatalf("exit %d, stderr %.400q; want exit 2 at requirements.txt:2:1 with %q", code, stderr, tc.want)
				}
				if len(stderr) > 1000 || strings.Contains(stderr, "s3cr3t") {
					t.Fatalf("stderr echoes input (%d bytes): %.300q", len(stderr), stderr)
				}
			})
		}
	}
}

// A lock whose path source leaves the project or is not a regular file
// stops `pinwheel build` before anything is fetched: exit 2 at the lock's
// line, nothing in the wheel cache.
func TestBuildRefusesHostileLockPaths(t *testing.T) {
	for _, tc := range []struct{ name, path, want string }{
		{"dev_zero", "/dev/zero", "is outside the allowed directory"},
		{"passwd", "../../../../../../../../etc/passwd", "is outside the allowed directory"},
		{"fifo", "wheelhouse/pipe.whl", "not a regular file (it is a named pipe)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyHello(t)
			lockPath := filepath.Join(dir, "pylock.toml")
			b, err := os.ReadFile(lockPath)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(lockPath, []byte(strings.Replace(string(b), "wheelhouse/greetlib-1.0.0-py3-none-any.whl\"", tc.path+"\"", 1)), 0o644)
			if err := syscall.Mkfifo(filepath.Join(dir, "wheelhouse", "pipe.whl"), 0o644); err != nil {
				t.Fatal(err)
			}
			cache := t.TempDir()
			code, _, stderr := runPinwheel(t, "build", dir, "--cache-dir", cache)
			if code != 2 || !strings.Contains(stderr, "pylock.toml:7: greetlib: local artifact") || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d stderr %q; want 2 at pylock.toml:7 with %q", code, stderr, tc.want)
			}
			if left, _ := os.ReadDir(cache); len(left) != 0 {
				t.Errorf("cache holds %v", left)
			}
		})
	}
}
