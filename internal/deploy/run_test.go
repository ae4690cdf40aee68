package deploy

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestWithoutCompareChecks(t *testing.T) {
	w := 20
	spec := rollout.Spec{
		Steps: []rollout.Step{{SetWeight: &w}, {Analysis: &rollout.AnalysisStep{Checks: []string{"errors", "vs-stable", "p99"}}},
			{Analysis: &rollout.AnalysisStep{Checks: []string{"vs-stable"}}}},
		Checks: []analysis.Check{{Name: "errors", Kind: analysis.Threshold}, {Name: "vs-stable", Kind: analysis.Compare}, {Name: "p99", Kind: analysis.Threshold}},
	}
	got, dropped := withoutCompareChecks(spec)
	if !reflect.DeepEqual(dropped, []string{"vs-stable"}) {
		t.Errorf("dropped = %q", dropped)
	}
	if c := got.Steps[1].Analysis.Checks; !reflect.DeepEqual(c, []string{"errors", "p99"}) {
		t.Errorf("step 1 checks = %q", c)
	}
	if c := spec.Steps[1].Analysis.Checks; len(c) != 3 {
		t.Errorf("the input spec was modified: %q", c)
	}
	if _, dropped := withoutCompareChecks(rollout.Spec{Checks: []analysis.Check{{Name: "e", Kind: analysis.Threshold}}}); dropped != nil {
		t.Errorf("no compare checks: dropped %q", dropped)
	}
}

func TestSampleStep(t *testing.T) {
	for _, tc := range []struct {
		interval, want time.Duration
	}{{3 * time.Second, 600 * time.Millisecond}, {time.Minute, 5 * time.Second}, {100 * time.Millisecond, 100 * time.Millisecond}} {
		if got := SampleStep(rollout.Spec{Analysis: rollout.AnalysisSettings{Interval: rollout.Duration(tc.interval)}}); got != tc.want {
			t.Errorf("SampleStep(%s) = %s, want %s", tc.interval, got, tc.want)
		}
	}
}

// TestStartFirstReleaseAndStatus starts a first rollout of the shop in a
// real ledger and reads it back through the status view.
func TestStartFirstReleaseAndStatus(t *testing.T) {
	ctx := context.Background()
	p, err := LoadProject(shopCopy(t))
	if err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	rel, err := RecordRelease(ctx, store, p, Artifact{Source: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Store: store, Target: Target{Name: "local"}, Project: p}
	ro, notes, err := r.Start(ctx, rel, StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "latency-vs-stable") {
		t.Errorf("notes = %q", notes)
	}
	if _, _, err := r.Start(ctx, rel, StartOptions{}); err == nil || !strings.Contains(err.Error(), driver.ErrInProgress.Error()) {
		t.Errorf("second start: %v", err)
	}
	v, err := LoadStatus(ctx, store, nil, "shop", 5)
	if err != nil {
		t.Fatal(err)
	}
	if v.Rollout == nil || !v.Rollout.Active || v.Rollout.ID != ro.ID || len(v.Rollout.Steps) != 5 || v.Live != nil {
		t.Fatalf("status view %+v", v)
	}
	if got := v.Rollout.Steps[1]; got != "analysis [error-rate latency-p99]" {
		t.Errorf("step 2 = %q (compare check should be left out of a first release)", got)
	}
	var buf strings.Builder
	WriteStatus(&buf, v)
	for _, want := range []string{"service  shop", "live     (none)", "rollout #1  - → shop-1  Pending", "▶ 1. setWeight 20%", "  2. analysis"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, buf.String())
		}
	}
	if _, err := LoadStatus(ctx, store, nil, "nosuch", 5); err == nil {
		t.Error("status of an unknown service: no error")
	}
}
