package kubee2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestAPIServerRestartMidRollout kills kube-apiserver (SIGKILL) while a
// release pauses after its first weight and starts it again; the
// in-process controller, whose watches and requests fail meanwhile, picks
// the rollout up from the Release's status and promotes it exactly once.
// Not parallel: the whole cluster loses its API server.
func TestAPIServerRestartMidRollout(t *testing.T) {
	r := newRig(t, 4)
	r.startController(controller.Options{})
	before := r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, steps(weight(25), pause(8*time.Second), weight(50), pause(time.Second)))
	w := r.watch(rel.Name)
	r.create(rel)
	r.waitPausedAt(rel.Name, 25)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kube-apiserver log (tail):\n%s", tail(filepath.Join(r.Cluster.Workdir, "clusters", r.Cluster.Name, "logs", "kube-apiserver.log"), 40))
		}
	})
	kubetest.RestartAPIServer(t)

	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s after the API server restart: %s", got.Status.Phase, got.Status.Message)
	}
	if !appliedWeight(got, 50) {
		t.Errorf("weight 50 never applied after the restart: decisions %+v (statuses seen %v)", got.Status.Decisions, w.history())
	}
	if n := decisions(got, "promote"); n != 1 {
		t.Errorf("%d promote decisions, want 1: %+v", n, got.Status.Decisions)
	}
	if n := r.waitEventCount(rel.Name, "StableUpdated"); n != 1 {
		t.Errorf("%d StableUpdated events, want 1: %v", n, r.eventMessages(rel.Name, "StableUpdated"))
	}
	r.checkStableUpdatedOnce(before, imageV2)
}

// tail is the last n lines of the file at path (or why it is unreadable).
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
