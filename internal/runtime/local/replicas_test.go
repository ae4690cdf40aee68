package local

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/runtime"
)

func TestReplicasStartAndServe(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 2})
	o := waitConverged(t, rt)
	if st := o.Releases["v1"]; st.Ready != 2 || st.Desired != 2 || o.Stable != "v1" {
		t.Fatalf("observed %+v", o)
	}
	seen := map[string]bool{}
	for i := 0; i < 10; i++ {
		a := get(o.Endpoint + "/")
		if a.code != 200 || a.release != "v1" {
			t.Fatalf("answer %v", a)
		}
	}
	for _, r := range o.Releases["v1"].Replicas {
		seen[r.Address] = true
		if r.PID == 0 || r.State != "ready" {
			t.Errorf("replica %+v", r)
		}
	}
	if len(seen) != 2 {
		t.Errorf("replicas share an address: %+v", o.Releases["v1"].Replicas)
	}
	logs, err := rt.Logs(context.Background(), svc, "v1", 10)
	if err != nil || len(logs) != 2 || !strings.Contains(logs[0], "v1 listening on 127.0.0.1:") || !strings.HasPrefix(logs[0], "v1-") {
		// two replicas, one line each, nothing else (no connection resets from probes)
		t.Errorf("logs %q %v", logs, err)
	}
}

func TestApplyTwiceIsNoOp(t *testing.T) {
	rt := newTestRuntime(t)
	d := runtime.Desired{Stable: srcRelease("v1"), Replicas: 2}
	apply(t, rt, d)
	before := waitConverged(t, rt)
	apply(t, rt, d)
	after := waitConverged(t, rt)
	pids := func(o runtime.Observed) []int {
		var p []int
		for _, r := range o.Releases["v1"].Replicas {
			p = append(p, r.PID)
		}
		return p
	}
	if !slices.Equal(pids(before), pids(after)) {
		t.Errorf("re-apply restarted replicas: %v -> %v", pids(before), pids(after))
	}
}

func TestCrashRestartsWithBackoff(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1", "CRASH_AFTER", "1"), Replicas: 1})
	o := waitConverged(t, rt)
	var st runtime.ReleaseState
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		get(o.Endpoint + "/")
		get(o.Endpoint + "/")
		o, _ = rt.Observe(context.Background(), svc)
		if st = o.Releases["v1"]; st.Restarts >= 3 {
			break
		}
	}
	if st.Restarts < 3 {
		t.Fatalf("restarts %d after repeated crashes: %+v", st.Restarts, st)
	}
	if r := st.Replicas[0]; r.LastExit != "exit status 3" {
		t.Errorf("last exit %q, want exit status 3", r.LastExit)
	}
	logs, _ := rt.Logs(context.Background(), svc, "v1", 100)
	if !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, "crashing after 1 requests") }) {
		t.Errorf("crash not in logs: %q", logs)
	}
}

func TestNotReadyCanaryGetsNoTraffic(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 1})
	waitConverged(t, rt)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("v2", "NOT_READY", "1"), CanaryWeight: 50, Replicas: 1, CanaryReplicas: 1})
	url := endpoint(t, rt)
	for i := 0; i < 40; i++ {
		if a := get(url + "/"); a.code != 200 || a.release != "v1" {
			t.Fatalf("request %d: %v", i, a)
		}
	}
	o, _ := rt.Observe(context.Background(), svc)
	if o.CanaryWeight != 0 || o.Converged || o.Releases["v2"].Ready != 0 {
		t.Errorf("observed %+v, want weight 0 and not converged", o)
	}
}

// TestServiceOutageIsNotCountedAgainstARelease: with stable and canary both
// routed and neither ready (as while a restarted runtime brings replicas
// back), the 503s are the service's, not failures of whichever release the
// weight picked — else a healthy canary fails its analysis.
func TestServiceOutageIsNotCountedAgainstARelease(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1", "NOT_READY", "1"), Canary: srcRelease("v2", "NOT_READY", "1"),
		CanaryWeight: 50, Replicas: 1, CanaryReplicas: 1})
	url := endpoint(t, rt)
	start := time.Now()
	for i := 0; i < 20; i++ {
		if a := get(url + "/"); a.code != 503 {
			t.Fatalf("request %d: %v, want 503", i, a)
		}
	}
	ctx := context.Background()
	for _, id := range []string{"v1", "v2"} {
		samples, err := rt.Query(ctx, metrics.Query{Expr: metrics.ErrorRate, Service: svc, Release: id, Start: start, End: time.Now().Add(time.Second), Step: time.Second})
		if err != nil || len(samples) != 0 {
			t.Errorf("%s error_rate samples = %v, %v; want none", id, samples, err)
		}
		if fr, _ := rt.FailedRequests(ctx, svc, id, 100); len(fr) != 0 {
			t.Errorf("%s failed requests = %d, want none", id, len(fr))
		}
	}
}
