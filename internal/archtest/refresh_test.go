package archtest

import (
	"path/filepath"
	"strings"
	"testing"
)

// Refresh windows are pure time arithmetic, decided before any I/O; the
// plan runs a lock tool in one place only (relock.go), and only ghpr
// talks to GitHub.
func TestRefreshBoundaries(t *testing.T) {
	root := repoRoot(t)
	pkgs := packages(t, filepath.Join(root, "internal", "refresh"))
	for _, f := range pkgs[filepath.Join(root, "internal", "refresh", "window")] {
		for _, p := range imports(t, f) {
			if p == "net/http" || p == "net" || p == "os/exec" || p == "os" || strings.HasPrefix(p, "pinwheel.dev/") {
				t.Errorf("%s imports %s; refresh windows must stay pure", f, p)
			}
		}
	}
	for dir, files := range pkgs {
		for _, f := range files {
			for _, p := range imports(t, f) {
				if p == "os/exec" && filepath.Base(f) != "relock.go" {
					t.Errorf("%s imports os/exec; only relock.go runs the lock tool", f)
				}
				if p == "net/http" && !strings.HasSuffix(dir, "ghpr") {
					t.Errorf("%s imports net/http; indexes go through pyindex, GitHub through ghpr", f)
				}
			}
		}
	}
}
