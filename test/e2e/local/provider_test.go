package local_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// TestUnreachableProviderNeverPromotes drives a rollout on the real local
// runtime with the analysis reading from an HTTP/JSON metrics provider whose
// server is gone (a closed loopback port): every measurement is a
// connection error, so the canary must roll back, never promote.
func TestUnreachableProviderNeverPromotes(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	load := r.load()
	r.deploy(0, "--image", r.build("v1"))

	closed := "http://" + freeAddr(t) // listened on, then closed: connection refused
	for _, q := range []string{"error_rate", "latency_p99", "latency_p50"} {
		r.setYAML(`query: `+q+`\b`, `query: "`+closed+`/`+q+`?release={{.Release}}"`)
	}
	r.version("2.0.0", "")
	image := r.build("v2")

	proj, err := deploy.LoadProject(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	store := r.ledger()
	rt, err := local.Dial(ctx, filepath.Join(r.dir, ".pinwheel"))
	if err != nil {
		t.Fatal(err)
	}
	art, err := deploy.ParseImage(image)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := deploy.RecordRelease(ctx, store, proj, art, nil)
	if err != nil {
		t.Fatal(err)
	}
	runner := &deploy.Runner{Store: store, Project: proj,
		Target: deploy.Target{Target: rt, Metrics: metrics.NewHTTPJSON(), Name: "local"}}
	if _, _, err := runner.Start(ctx, rel, deploy.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	before := load.Stats()
	final, err := runner.Drive(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if final.Outcome != "rolled-back" {
		t.Fatalf("outcome %q, want rolled-back", final.Outcome)
	}
	if s := load.Stats().Sub(before); s.Failed != 0 {
		t.Errorf("%d of %d requests failed while rolling back a healthy release: %v", s.Failed, s.Requests, s.ByStatus)
	}
	ds, err := store.Decisions(ctx, final.ID)
	if err != nil {
		t.Fatal(err)
	}
	refused := false
	for _, d := range ds {
		if d.Action == "promote" || d.Phase == "Promoting" || d.Phase == "Promoted" {
			t.Errorf("decision %d promotes without metrics: %+v", d.Seq, d)
		}
		refused = refused || strings.Contains(d.Reason+string(d.Evidence), "connection refused")
	}
	if !refused {
		t.Errorf("no decision names the provider's connection error: %+v", ds)
	}
	if live, _ := store.GetRelease(ctx, "shop", "current"); live.ID != "shop-1" {
		t.Errorf("live = %s, want shop-1", live.ID)
	}
}
