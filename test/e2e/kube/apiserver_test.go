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
	kubetest.Eventually(t, "shop-v2 paused at weight 25", func() (bool, string) {
		got := r.release(rel.Name)
		return got.Status.Phase == string(rollout.Paused) && got.Status.CanaryWeight == 25,
			got.Status.Phase + ": " + got.Status.Message
	})
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
	if n := r.eventCount(rel.Name, "StableUpdated"); n != 1 {
		t.Errorf("%d StableUpdated events, want 1: %v", n, r.eventMessages(rel.Name, "StableUpdated"))
	}
	r.waitRolledOut("shop")
	stable := r.deployment("shop")
	if img := stable.Spec.Template.Spec.Containers[0].Image; img != imageV2 {
		t.Errorf("stable runs %s, want %s", img, imageV2)
	}
	if stable.Generation != before.Generation+1 {
		t.Errorf("stable generation %d -> %d, want exactly one update (the promotion)", before.Generation, stable.Generation)
	}
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
