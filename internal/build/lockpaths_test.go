package build

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
)

const uvPathLock = `version = 1
requires-python = ">=3.9"

[[package]]
name = "vendored-tool"
version = "1.2.0"
source = { path = "%s" }
wheels = [
    { filename = "vendored_tool-1.2.0-py3-none-any.whl", hash = "sha256:3bb03963c80a0a2b5d55302272d9974c311ffd6fb5f565a3ae3c5e3730196058" },
]
`

func TestCheckLockPathsRefusesBeforeFetching(t *testing.T) {
	for _, tc := range []struct{ name, path, want string }{
		{"dev_zero", "/dev/zero", "is outside the allowed directory"},
		{"passwd", "../../../../../../../etc/passwd", "is outside the allowed directory"},
		{"fifo", "vendor/fifo.whl", "not a regular file (it is a named pipe)"},
		{"link_out", "vendor/out.whl", "through a symlink"},
		{"regular", "vendor/ok.whl", ""},
		{"missing_is_for_the_fetch", "vendor/missing.whl", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			project := filepath.Join(t.TempDir(), "project")
			vendor := filepath.Join(project, "vendor")
			os.MkdirAll(vendor, 0o755)
			os.WriteFile(filepath.Join(vendor, "ok.whl"), []byte("PK"), 0o644)
			os.Symlink("/etc/passwd", filepath.Join(vendor, "out.whl"))
			if err := syscall.Mkfifo(filepath.Join(vendor, "fifo.whl"), 0o644); err != nil {
				t.Fatal(err)
			}
			lp := filepath.Join(project, "uv.lock")
			os.WriteFile(lp, []byte(strings.Replace(uvPathLock, "%s", tc.path, 1)), 0o644)
			l, err := lock.ParseFile(lp, lock.WithRoot(project))
			if err != nil {
				t.Fatal(err)
			}
			err = checkLockPaths(l, project, project)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), lp+":4: vendored-tool: local artifact") {
				t.Fatalf("err = %v, want %s:4 and %q", err, lp, tc.want)
			}
		})
	}
}
