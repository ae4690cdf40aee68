package driver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

const svc = "shop"

// rig is a real local runtime (python3 replicas behind the proxy), a real
// SQLite ledger and a file tracker, with a load generator on the proxy.
type rig struct {
	t       *testing.T
	store   ledger.Store
	rt      *local.Runtime
	reports string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	if testing.Short() {
		t.Skip("starts python3 replicas")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	store, err := ledgerdb.Open(context.Background(), filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	rt, err := local.New(context.Background(), filepath.Join(dir, "runtime"), local.WithGracePeriod(2*time.Second),
		local.WithProbeInterval(50*time.Millisecond), local.WithBackoff(50*time.Millisecond, 400*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	rt.Start()
	t.Cleanup(func() { rt.Close() })
	return &rig{t: t, store: store, rt: rt, reports: filepath.Join(dir, "incidents")}
}

// release records a release that runs the runtime's test app with env.
func (r *rig) release(version string, env ...string) ledger.Release {
	r.t.Helper()
	app, _ := filepath.Abs("../runtime/local/testdata/app")
	e := map[string]string{"RELEASE": version}
	for i := 0; i+1 < len(env); i += 2 {
		e[env[i]] = env[i+1]
	}
	// A deploy record with env values, as records were written before
	// env: was kept as digests (internal/deploy); the driver still runs them.
	deploy, err := json.Marshal(map[string]any{"env": e,
		"artifact": runtime.Artifact{Source: &runtime.SourceArtifact{Dir: app, Command: []string{"python3", "app.py"}}}})
	if err != nil {
		r.t.Fatal(err)
	}
	rel, err := r.store.CreateRelease(context.Background(), ledger.Release{Facts: changes.Facts{Service: svc, Info: attest.BuildInfo{Service: svc, Version: version, ImageDigest: "sha256:" + strings.Repeat(version[1:], 12), GitCommit: strings.Repeat(version[1:], 40)}}, Deploy: deploy})
	if err != nil {
		r.t.Fatal(err)
	}
	return rel
}

func spec() rollout.Spec {
	w50, maxErr := 50, 0.05
	return rollout.Spec{
		Steps:            []rollout.Step{{SetWeight: &w50}, {Analysis: &rollout.AnalysisStep{Checks: []string{"errors"}, Samples: 2}}},
		Checks:           []analysis.Check{{Name: "errors", Kind: analysis.Threshold, Query: metrics.ErrorRate, Max: &maxErr, MinSamples: 2}},
		Analysis:         rollout.AnalysisSettings{Interval: rollout.Duration(time.Second)},
		ProgressDeadline: rollout.Duration(30 * time.Second), ScaleDownDelay: rollout.Duration(500 * time.Millisecond),
	}.Defaults()
}

// deploy starts and runs a rollout of rel to its end, with load on the proxy.
func (r *rig) deploy(rel ledger.Release, provider metrics.Provider) ledger.Rollout {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	d := New(r.store, r.rt, provider, WithTracker(notify.FileTracker{Dir: r.reports}), WithSampleStep(250*time.Millisecond))
	if _, err := d.Start(ctx, StartRequest{Service: svc, Release: rel, Spec: spec(), Replicas: 2, ReadinessPath: "/healthz"}); err != nil {
		r.t.Fatal(err)
	}
	stop := r.load(ctx)
	defer stop()
	ro, err := d.Run(ctx, svc)
	if err != nil {
		r.t.Fatalf("run: %v", err)
	}
	return ro
}

// load sends requests through the proxy until stopped.
func (r *rig) load(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		client := &http.Client{Timeout: 5 * time.Second}
		for ctx.Err() == nil {
			o, err := r.rt.Observe(ctx, svc)
			if err != nil || o.Endpoint == "" {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if resp, err := client.Get(o.Endpoint + "/"); err == nil {
				resp.Body.Close()
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { cancel(); wg.Wait() }
}

func TestGoodReleasePromotesBadReleaseRollsBack(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	v1 := r.release("v1")
	ro := r.deploy(v1, r.rt)
	if ro.Outcome != "promoted" {
		r.dumpDecisions(ro)
		t.Fatalf("first release: outcome %q phase %s", ro.Outcome, ro.Phase)
	}
	live, err := r.store.GetRelease(ctx, svc, "current")
	if err != nil || live.ID != v1.ID || !live.KnownGood {
		t.Fatalf("after v1: live %+v, %v", live, err)
	}

	v2 := r.release("v2", "ERROR_RATE", "0.5")
	ro = r.deploy(v2, r.rt)
	if ro.Outcome != "rolled-back" {
		t.Fatalf("bad release: outcome %q phase %s", ro.Outcome, ro.Phase)
	}
	live, _ = r.store.GetRelease(ctx, svc, "current")
	if live.ID != v1.ID {
		t.Fatalf("after rollback the live release is %s, want %s", live.ID, v1.ID)
	}
	bad, _ := r.store.GetRelease(ctx, svc, v2.ID)
	if bad.State != ledger.ReleaseRolledBack || bad.KnownGood {
		t.Fatalf("v2 state %s knownGood %v", bad.State, bad.KnownGood)
	}
	o, _ := r.rt.Observe(ctx, svc)
	if o.Stable != v1.ID || o.Canary != "" || o.CanaryWeight != 0 {
		t.Fatalf("runtime after rollback: stable %q canary %q weight %d", o.Stable, o.Canary, o.CanaryWeight)
	}
	incidents, _ := r.store.ListIncidents(ctx, svc, 10)
	if len(incidents) != 1 || incidents[0].ReleaseID != v2.ID {
		t.Fatalf("incidents = %+v", incidents)
	}
	report, err := os.ReadFile(incidents[0].Location)
	if err != nil {
		t.Fatalf("remediation report: %v", err)
	}
	for _, want := range []string{v2.ID, v1.ID, "errors", "injected failure", metrics.ErrorRate} {
		if !strings.Contains(string(report), want) {
			t.Errorf("remediation report lacks %q", want)
		}
	}
	for id, want := range map[int64]rollout.Phase{ro.ID - 1: rollout.Promoted, ro.ID: rollout.RolledBack} {
		rep, err := Replay(ctx, r.store, id)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Identical() || rep.Final != want || rep.Recorded == 0 {
			t.Fatalf("replay of rollout %d: %+v (want identical, ending %s)", id, rep, want)
		}
	}
	ds, _ := r.store.Decisions(ctx, ro.ID)
	if len(ds) == 0 || !strings.Contains(strings.ToLower(ds[len(ds)-1].Phase+ds[len(ds)-1].Action), "rolledback") &&
		ds[len(ds)-1].Phase != string(rollout.RolledBack) {
		t.Fatalf("last decision = %+v", ds[len(ds)-1])
	}
}

// unavailableMetrics is the real HTTP/JSON provider; the test points its
// query at a port nothing listens on, so metrics are unavailable.
func unavailableMetrics() metrics.Provider {
	return metrics.NewHTTPJSON()
}

func TestMetricsUnavailableNeverPromotes(t *testing.T) {
	r := newRig(t)
	v1 := r.release("v1")
	if ro := r.deploy(v1, r.rt); ro.Outcome != "promoted" {
		t.Fatalf("v1: %s", ro.Outcome)
	}
	v2 := r.release("v2")
	sp := spec()
	sp.Checks[0].Query = "http://127.0.0.1:1/{{.Release}}"
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	d := New(r.store, r.rt, unavailableMetrics(), WithSampleStep(250*time.Millisecond))
	if _, err := d.Start(ctx, StartRequest{Service: svc, Release: v2, Spec: sp, Replicas: 2, ReadinessPath: "/healthz"}); err != nil {
		t.Fatal(err)
	}
	ro, err := d.Run(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if ro.Outcome != "rolled-back" {
		t.Fatalf("metrics unavailable: outcome %q, want rolled-back", ro.Outcome)
	}
	if live, _ := r.store.GetRelease(ctx, svc, "current"); live.ID != v1.ID {
		t.Fatalf("live release %s, want %s", live.ID, v1.ID)
	}
}

func TestSecondStartWhileRunningIsRefused(t *testing.T) {
	ctx := context.Background()
	store, err := ledgerdb.Open(ctx, filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rel, _ := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: svc}})
	d := New(store, nil, nil)
	if _, err := d.Start(ctx, StartRequest{Service: svc, Release: rel, Spec: spec()}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Start(ctx, StartRequest{Service: svc, Release: rel, Spec: spec()}); !errors.Is(err, ErrInProgress) {
		t.Fatalf("second start: %v, want ErrInProgress", err)
	}
}

func (r *rig) dumpDecisions(ro ledger.Rollout) {
	ds, _ := r.store.Decisions(context.Background(), ro.ID)
	for _, d := range ds {
		r.t.Logf("decision %d step %d %s %s: %s", d.Seq, d.Step, d.Phase, d.Action, d.Reason)
	}
	o, err := r.rt.Observe(context.Background(), svc)
	r.t.Logf("observed: %+v %v", o, err)
}
