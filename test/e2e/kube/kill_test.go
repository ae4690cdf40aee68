package kubee2e

import (
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestControllerKilledMidRolloutResumes runs `pinwheel controller` with
// leader election, SIGKILLs it while a release pauses after its first
// weight, and starts another one: the new process takes the Lease once the
// dead holder's lease expires and resumes the rollout from the Release's
// status. That one is SIGKILLed too, while promoting, and a third takes
// over: the release is promoted exactly once — one promote decision, one
// StableUpdated Event, one update of the stable Deployment — and the last
// controller hands the Lease back when stopped with SIGTERM.
func TestControllerKilledMidRolloutResumes(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4)
	const lease = "pinwheel-e2e"
	first := r.startControllerProcess("ctl-1", lease, 3*time.Second)
	kubetest.Eventually(t, "ctl-1 holds the lease", func() (bool, string) {
		h, held := r.leaseHolder(lease)
		return h == "ctl-1" && held, h
	})
	before := r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, steps(weight(25), pause(10*time.Second), weight(50), pause(time.Second)))
	// A long scale-down delay keeps the release in Promoting long enough to
	// be seen there and killed.
	rel.Spec.Strategy.ScaleDownDelay = &metav1.Duration{Duration: 15 * time.Second}
	w := r.watch(rel.Name)
	r.create(rel)
	kubetest.Eventually(t, "shop-v2 paused at weight 25", func() (bool, string) {
		got := r.release(rel.Name)
		return got.Status.Phase == string(rollout.Paused) && got.Status.CanaryWeight == 25,
			got.Status.Phase + ": " + got.Status.Message
	})
	_ = first.signal(syscall.SIGKILL)
	if h, _ := r.leaseHolder(lease); h != "ctl-1" {
		t.Fatalf("lease holder %q right after the kill, want the dead ctl-1", h)
	}
	stepBefore := r.release(rel.Name).Status.Step

	second := r.startControllerProcess("ctl-2", lease, 3*time.Second)
	kubetest.Eventually(t, "ctl-2 takes the lease", func() (bool, string) {
		h, held := r.leaseHolder(lease)
		return h == "ctl-2" && held, h
	})
	r.waitPhase(rel.Name, rollout.Promoting)
	_ = second.signal(syscall.SIGKILL)
	third := r.startControllerProcess("ctl-3", lease, 3*time.Second)
	kubetest.Eventually(t, "ctl-3 takes the lease", func() (bool, string) {
		h, held := r.leaseHolder(lease)
		return h == "ctl-3" && held, h
	})
	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s after the restart: %s", got.Status.Phase, got.Status.Message)
	}
	if !appliedWeight(got, 50) {
		t.Errorf("weight 50 never applied after the restart: decisions %+v (statuses seen %v)", got.Status.Decisions, w.history())
	}
	// Resumed, not restarted: one start, and the pause it was in went on.
	if n := decisions(got, "start"); n > 1 {
		t.Errorf("%d start decisions: the rollout began again", n)
	}
	if stepBefore != 1 {
		t.Errorf("killed at step %d, want the pause (step 1)", stepBefore)
	}
	if n := decisions(got, "promote"); n != 1 {
		t.Errorf("%d promote decisions, want 1: %+v", n, got.Status.Decisions)
	}
	// Events are sent in the background: a controller killed right after
	// updating the stable Deployment may take its Event with it, so the
	// generation below is the exact count.
	if n := r.eventCount(rel.Name, "StableUpdated"); n > 1 {
		t.Errorf("%d StableUpdated events, want at most 1: %v", n, r.eventMessages(rel.Name, "StableUpdated"))
	}
	r.waitRolledOut("shop")
	stable := r.deployment("shop")
	if img := stable.Spec.Template.Spec.Containers[0].Image; img != imageV2 {
		t.Errorf("stable runs %s, want %s", img, imageV2)
	}
	if stable.Generation != before.Generation+1 {
		t.Errorf("stable generation %d -> %d, want exactly one update (the promotion)", before.Generation, stable.Generation)
	}
	// A clean stop hands the lease back at once.
	if err := third.signal(syscall.SIGTERM); err != nil {
		t.Errorf("ctl-3 on SIGTERM: %v", err)
	}
	if h, held := r.leaseHolder(lease); held {
		t.Errorf("lease still held by %q after ctl-3 stopped", h)
	}
}
