package kubee2e

import (
	"context"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestControllerThatLosesItsLeaseIsSucceeded: `pinwheel controller` loses
// its Lease mid-rollout — another holder takes it, as when a starved API
// server lets the renewals time out — and exits with "leader election
// lost". Like a Deployment's pod, the process is started again; the new
// incarnation waits for the other holder's lease to expire, takes it, and
// resumes the rollout from the Release's status: one promotion, one
// update of the stable Deployment.
func TestControllerThatLosesItsLeaseIsSucceeded(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4)
	const lease = "pinwheel-e2e"
	ctl := r.startControllerProcess("ctl-1", lease, e2eLease)
	r.waitHolder(lease, "ctl-1")
	before := r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, steps(weight(25), pause(10*time.Second), weight(50), pause(time.Second)))
	w := r.watch(rel.Name)
	r.create(rel)
	r.waitPausedAt(rel.Name, 25)
	stepBefore := r.release(rel.Name).Status.Step

	r.takeLease(lease, "ghost", e2eLease) // outlasts ctl-1's renew deadline, so it loses
	kubetest.Eventually(t, "ctl-1 exits on losing its lease and is started again", func() (bool, string) {
		return ctl.startCount() >= 2 && strings.Contains(ctl.out.String(), "leader election lost"), ctl.out.String()
	})
	r.waitHolder(lease, "ctl-1")
	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s after the lost lease: %s", got.Status.Phase, got.Status.Message)
	}
	if stepBefore != 1 || !appliedWeight(got, 50) {
		t.Errorf("lost the lease at step %d (want the pause, 1); weights seen %v", stepBefore, w.history())
	}
	if n := decisions(got, "start"); n > 1 {
		t.Errorf("%d start decisions: the rollout began again", n)
	}
	if n := decisions(got, "promote"); n != 1 {
		t.Errorf("%d promote decisions, want 1: %+v", n, got.Status.Decisions)
	}
	r.checkStableUpdatedOnce(before, imageV2)
}

// takeLease makes holder the holder of the Lease for d, as another
// controller that won an election would.
func (r *rig) takeLease(name, holder string, d time.Duration) {
	r.t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var l coordinationv1.Lease
		if err := r.Client.Get(context.Background(), client.ObjectKey{Namespace: r.Namespace, Name: name}, &l); err != nil {
			return err
		}
		now := metav1.NewMicroTime(time.Now())
		l.Spec.HolderIdentity = ptr.To(holder)
		l.Spec.LeaseDurationSeconds = ptr.To(int32(d / time.Second))
		l.Spec.AcquireTime, l.Spec.RenewTime = &now, &now
		l.Spec.LeaseTransitions = ptr.To(ptr.Deref(l.Spec.LeaseTransitions, 0) + 1)
		return r.Client.Update(context.Background(), &l)
	})
	if err != nil {
		r.t.Fatalf("take lease %s: %v", name, err)
	}
}
