package local

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// serve runs the control API for a fresh runtime and returns its state dir.
func serve(t *testing.T) (string, context.CancelFunc, chan error) {
	t.Helper()
	rt := newTestRuntime(t)
	stateDir := filepath.Join(t.TempDir(), ".pinwheel")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan State, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, rt, stateDir, "127.0.0.1:0", func(st State) { ready <- st }) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	return stateDir, cancel, done
}

func TestClientDrivesServer(t *testing.T) {
	stateDir, cancel, done := serve(t)
	ctx := context.Background()
	st, err := ReadState(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(stateDir, StateFileName)); fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	c, err := Dial(ctx, stateDir)
	if err != nil {
		t.Fatal(err)
	}
	var target runtime.Target = c
	d := runtime.Desired{Service: svc, Stable: srcRelease("v1"), Canary: srcRelease("v2", "ERROR_RATE", "1"), CanaryWeight: 50, Replicas: 1, CanaryReplicas: 1, ReadinessPath: "/healthz"}
	if err := target.Apply(ctx, d); err != nil {
		t.Fatal(err)
	}
	var o runtime.Observed
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && !o.Converged; time.Sleep(20 * time.Millisecond) {
		if o, err = target.Observe(ctx, svc); err != nil {
			t.Fatal(err)
		}
	}
	if !o.Converged || o.CanaryWeight != 50 || o.Readiness("v2").Ready != 1 {
		t.Fatalf("observed %+v", o)
	}
	start := time.Now()
	for i := 0; i < 10; i++ {
		get(o.Endpoint + "/")
	}
	if f, err := c.FailedRequests(ctx, svc, "v2", 10); err != nil || len(f) != 5 || f[0].Status != 500 {
		t.Errorf("failures %+v %v", f, err)
	}
	q := metrics.Query{Expr: metrics.ErrorRate, Service: svc, Release: "v2", Start: start, End: time.Now(), Step: time.Minute}
	if s, err := c.Query(ctx, q); err != nil || len(s) != 1 || s[0].Value != 1 {
		t.Errorf("query %v %v", s, err)
	}
	if r, err := c.Resolve(q); err != nil || !strings.HasPrefix(r, "error_rate{") {
		t.Errorf("resolve %q %v", r, err)
	}
	if _, err := c.Query(ctx, metrics.Query{Expr: "nope"}); err == nil || !strings.Contains(err.Error(), "unknown local query") {
		t.Errorf("bad query error %v", err)
	}
	if r, err := c.Smoke(ctx, svc, "v1", rollout.SmokeStep{HTTP: []rollout.HTTPProbe{{Path: "/healthz"}}}); err != nil || !r.Passed {
		t.Errorf("smoke %+v %v", r, err)
	}
	if lines, err := c.Logs(ctx, svc, "v1", 5); err != nil || len(lines) == 0 {
		t.Errorf("logs %v %v", lines, err)
	}
	if err := c.Apply(ctx, runtime.Desired{Service: svc, CanaryWeight: 500}); err == nil {
		t.Error("bad desired state accepted")
	}
	// a request without the token is refused
	resp, err := http.Post("http://"+st.Addr+"/v1/apply", "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated apply: %v %v", resp.Status, err)
	}
	// stopping the server stops the replicas and removes the state file
	pids := []int{}
	for _, rel := range o.Releases {
		for _, r := range rel.Replicas {
			pids = append(pids, r.PID)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	done <- nil // for the cleanup
	if _, err := os.Stat(filepath.Join(stateDir, StateFileName)); !os.IsNotExist(err) {
		t.Errorf("state file left behind: %v", err)
	}
	for _, pid := range pids {
		if processAlive(pid) {
			t.Errorf("replica pid %d still running after shutdown", pid)
		}
	}
	if _, err := Dial(ctx, stateDir); err == nil {
		t.Error("Dial succeeded after shutdown")
	}
}
