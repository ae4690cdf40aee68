package local

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Two services whose replicas share a name (the same release id), or whose
// names differ only in characters safeName folds, keep separate pid files:
// removing one's never loses the other's, so a crash leaves no replica
// unreaped.
func TestPidFilesDoNotCollide(t *testing.T) {
	rt := &Runtime{stateDir: t.TempDir()}
	pairs := [][2]string{{"shop", "rel-1-1"}, {"cart", "rel-1-1"}, {"a", "x/y-1"}, {"a", "x_y-1"}, {"a", "x:y-1"}}
	seen := map[string]bool{}
	for i, p := range pairs {
		f := rt.pidFile(p[0], p[1])
		if seen[f] {
			t.Fatalf("%v shares pid file %s", p, f)
		}
		seen[f] = true
		rt.writePID(p[0], p[1], 1000+i)
	}
	rt.removePID("cart", "rel-1-1")
	for i, p := range pairs {
		b, err := os.ReadFile(rt.pidFile(p[0], p[1]))
		switch {
		case p == [2]string{"cart", "rel-1-1"}:
			if err == nil {
				t.Errorf("cart's pid file survived its removal")
			}
		case err != nil || string(b) != strconv.Itoa(1000+i):
			t.Errorf("%v: pid file %q, %v", p, b, err)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(rt.stateDir, "pids", "*.pid")); len(files) != len(pairs)-1 {
		t.Errorf("%d pid files, want %d", len(files), len(pairs)-1)
	}
}
