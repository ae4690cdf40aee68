package local_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/demo"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// onlyOwnFailures fails the test unless every failed request in s is a 500
// (what the bad release itself answers): no resets, timeouts, 502s or 503s
// from weight changes, promotion or rollback.
func onlyOwnFailures(t *testing.T, phase string, s demo.LoadStats) {
	t.Helper()
	for status, n := range s.ByStatus {
		if status == 0 || status >= 500 && status != 500 {
			t.Errorf("%s: %d requests answered %d (0 = no answer); want none", phase, n, status)
		}
	}
}

func TestGoodReleasePromotesBadRollsBackStableKeepsServing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	load := r.load()
	r.deploy(0, "--image", r.build("v1"))
	r.assertContainers()
	store := r.ledger()
	if s := load.Stats(); s.Failed != 0 || s.Requests == 0 {
		t.Errorf("first release under load: %d of %d requests failed: %v", s.Failed, s.Requests, s.ByStatus)
	}

	before := load.Stats()
	r.version("2.0.0", "errors")
	out := r.deploy(1, "--image", r.build("v2"))
	during := load.Stats().Sub(before)
	if !strings.Contains(out, "rolled-back") || !strings.Contains(out, "error-rate: Fail") {
		t.Errorf("deploy of the bad release does not say why it rolled back:\n%s", out)
	}
	onlyOwnFailures(t, "bad release", during)
	if during.ByStatus[200] == 0 {
		t.Errorf("no successful requests while the bad release rolled out: %+v", during)
	}
	live, err := store.GetRelease(ctx, "shop", "current")
	if err != nil || live.ID != "shop-1" {
		t.Fatalf("live after rollback = %q (%v), want shop-1", live.ID, err)
	}
	bad, _ := store.GetRelease(ctx, "shop", "shop-2")
	if bad.State != ledger.ReleaseRolledBack || bad.KnownGood {
		t.Errorf("shop-2: state %s knownGood %v", bad.State, bad.KnownGood)
	}
	incidents, _ := store.ListIncidents(ctx, "shop", 5)
	if len(incidents) != 1 || incidents[0].ReleaseID != "shop-2" {
		t.Fatalf("incidents = %+v", incidents)
	}
	report, err := os.ReadFile(incidents[0].Location)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"shop-2", "shop-1", "error-rate", "SHOP_FAULT", "injected fault"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("remediation report lacks %q", want)
		}
	}

	mid := load.Stats()
	r.version("3.0.0", "")
	r.deploy(0, "--image", r.build("v3"))
	after := load.Stop().Sub(mid)
	if after.Failed != 0 {
		t.Errorf("good release under load: %d of %d requests failed: %v", after.Failed, after.Requests, after.ByStatus)
	}
	if live, _ := store.GetRelease(ctx, "shop", "current"); live.ID != "shop-3" {
		t.Errorf("live = %s, want shop-3", live.ID)
	}
	history, code := r.run(ctx, "history", "--ledger", r.dir+"/.pinwheel/ledger.db", "shop")
	if code != 0 || !strings.Contains(history, "rolled-back") || strings.Count(history, "promoted") < 2 {
		t.Errorf("history (exit %d):\n%s", code, history)
	}
}

func TestMetricsUnavailableNeverPromotes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.load()
	r.deploy(0, "--image", r.build("v1"))
	// Every query of the error-rate check now fails at the provider.
	r.setYAML(`query: error_rate `, "query: error_rate_unavailable ")
	r.version("2.0.0", "")
	out := r.deploy(1, "--image", r.build("v2"))
	store := r.ledger()
	ro, err := store.ListRollouts(ctx, "shop", 1)
	if err != nil || len(ro) != 1 || ro[0].ReleaseID != "shop-2" {
		t.Fatalf("rollouts = %+v, %v", ro, err)
	}
	if ro[0].Outcome != "rolled-back" {
		t.Fatalf("outcome %q, want rolled-back\n%s", ro[0].Outcome, out)
	}
	ds, _ := store.Decisions(ctx, ro[0].ID)
	for _, d := range ds {
		if d.Action == "promote" || d.Phase == "Promoting" || d.Phase == "Promoted" {
			t.Errorf("decision %d promotes without metrics: %+v", d.Seq, d)
		}
	}
	if !strings.Contains(out, "error") {
		t.Errorf("output does not name the provider errors:\n%s", out)
	}
	if live, _ := store.GetRelease(ctx, "shop", "current"); live.ID != "shop-1" {
		t.Errorf("live = %s, want shop-1", live.ID)
	}
}
