package kubee2e

import (
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	first := r.startControllerProcess("ctl-1", lease, e2eLease)
	r.waitHolder(lease, "ctl-1")
	before := r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, steps(weight(25), pause(10*time.Second), weight(50), pause(time.Second)))
	// A long scale-down delay keeps the release in Promoting long enough to
	// be seen there and killed.
	rel.Spec.Strategy.ScaleDownDelay = &metav1.Duration{Duration: 15 * time.Second}
	w := r.watch(rel.Name)
	r.create(rel)
	r.waitPausedAt(rel.Name, 25)
	_ = first.signal(syscall.SIGKILL)
	if h, _ := r.leaseHolder(lease); h != "ctl-1" {
		t.Fatalf("lease holder %q right after the kill, want the dead ctl-1", h)
	}
	stepBefore := r.release(rel.Name).Status.Step

	second := r.startControllerProcess("ctl-2", lease, e2eLease)
	r.waitHolder(lease, "ctl-2")
	r.waitPhase(rel.Name, rollout.Promoting)
	_ = second.signal(syscall.SIGKILL)
	third := r.startControllerProcess("ctl-3", lease, e2eLease)
	r.waitHolder(lease, "ctl-3")
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
	r.checkStableUpdatedOnce(before, imageV2)
	// A clean stop hands the lease back at once.
	if err := third.signal(syscall.SIGTERM); err != nil {
		t.Errorf("ctl-3 on SIGTERM: %v", err)
	}
	if h, held := r.leaseHolder(lease); held {
		t.Errorf("lease still held by %q after ctl-3 stopped", h)
	}
}
