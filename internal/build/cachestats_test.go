package build_test

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// A build records its cache use by kind and, in a git checkout, the
// commit's time (the scorecard's lead time starts there): a cold build
// misses the dependencies layer and fetches its wheels; a warm one reuses
// the layer and so looks at no wheel.
func TestBuildRecordsCacheUseAndCommitTime(t *testing.T) {
	dir := copyExample(t, time.Unix(1_600_000_000, 0))
	committed := time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"}} {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE="+committed.Format(time.RFC3339), "GIT_AUTHOR_DATE="+committed.Format(time.RFC3339))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	cache := t.TempDir()
	cold := run(t, opts(dir, cache)).BuildInfo
	warm := run(t, opts(dir, cache)).BuildInfo
	if !cold.GitCommitTime.Equal(committed) {
		t.Errorf("commit time %v, want %v", cold.GitCommitTime, committed)
	}
	if cold.Cache == nil || warm.Cache == nil {
		t.Fatalf("no cache stats: cold %+v warm %+v", cold.Cache, warm.Cache)
	}
	if c := cold.Cache; c.Layers.Misses == 0 || c.Layers.Hits != 0 || c.Wheels.Misses == 0 || c.Wheels.Hits != 0 {
		t.Errorf("cold build cache %+v: want layer and wheel misses only", *c)
	}
	if w := warm.Cache; w.Layers.Hits == 0 || w.Layers.Misses != 0 || w.Wheels.Hits+w.Wheels.Misses != 0 {
		t.Errorf("warm build cache %+v: want every layer reused, no wheel looked at", *w)
	}
}
