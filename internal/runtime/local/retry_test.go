package local

import (
	"context"
	"syscall"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// SIGKILL of one of two replicas under load: GETs that hit the dead
// replica (refused or reset before any answer) are retried on the other, the
// replica is restarted, and no request fails.
func TestReplicaKilledUnderLoadLosesNoGET(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 2})
	o := waitConverged(t, rt)
	load := startLoad(o.Endpoint, "", 4)
	for i := 0; i < 3; i++ {
		time.Sleep(200 * time.Millisecond) // load runs on both replicas a while
		victim := o.Releases["v1"].Replicas[i%2]
		restarts := o.Releases["v1"].Restarts
		if err := syscall.Kill(victim.PID, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Wait for what matters: the runtime saw the death, restarted the
		// replica, and both serve again.
		o = waitObserved(t, rt, "restarted and converged", func(o runtime.Observed) bool {
			return o.Converged && o.Releases["v1"].Restarts > restarts
		})
	}
	load.finish()
	t.Logf("requests %d, by release %v", load.total, load.byRel)
	if len(load.badOK) > 0 {
		t.Fatalf("%d requests failed, e.g. %v", len(load.badOK), load.badOK[:min(5, len(load.badOK))])
	}
	o, _ = rt.Observe(context.Background(), svc)
	if o.Releases["v1"].Restarts != 3 {
		t.Errorf("restarts %d, want 3: %+v", o.Releases["v1"].Restarts, o.Releases["v1"])
	}
}
