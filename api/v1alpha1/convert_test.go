package v1alpha1

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func fullSpec() rollout.Spec {
	w, five, one := 20, 5, 1
	maxErr, minOK := 0.01, 0.9
	return rollout.Spec{
		Steps: []rollout.Step{
			{Smoke: &rollout.SmokeStep{Command: []string{"python", "-m", "pytest", "tests/smoke"},
				HTTP: []rollout.HTTPProbe{{Path: "/healthz", ExpectStatus: 204}}, Timeout: rollout.Duration(90 * time.Second)}},
			{SetWeight: &w},
			{Pause: &rollout.PauseStep{Duration: rollout.Duration(30 * time.Second)}},
			{Analysis: &rollout.AnalysisStep{Checks: []string{"errors", "latency"}, Duration: rollout.Duration(5 * time.Minute), Samples: 3}},
			{Pause: &rollout.PauseStep{}},
		},
		Checks: []analysis.Check{
			{Name: "errors", Kind: analysis.Threshold, Query: "sum(rate(x[1m]))", MinSamples: 3, Max: &maxErr, Aggregate: analysis.Mean},
			{Name: "burn", Kind: analysis.BurnRate, Objective: 0.999, FastWindow: analysis.Duration(5 * time.Minute), SlowWindow: analysis.Duration(time.Hour), BurnFactor: 14.4},
			{Name: "latency", Kind: analysis.Compare, Alpha: 0.05, Tolerance: 0.1, LowerIsWorse: true, Min: &minOK},
		},
		Analysis: rollout.AnalysisSettings{Interval: rollout.Duration(time.Minute), Warmup: rollout.Duration(10 * time.Second),
			FailureLimit: 1, ConsecutiveErrorLimit: &five, InconclusiveLimit: &one},
		ProgressDeadline: rollout.Duration(10 * time.Minute),
		ScaleDownDelay:   rollout.Duration(30 * time.Second),
		FastRollback:     true,
	}
}

func TestStrategyRoundTrip(t *testing.T) {
	want := fullSpec()
	s, err := StrategyFrom(want)
	if err != nil {
		t.Fatal(err)
	}
	if s.Steps[2].Pause.Duration.Duration != 30*time.Second || *s.Steps[1].SetWeight != 20 {
		t.Fatalf("strategy = %+v", s)
	}
	rs := ReleaseSpec{Strategy: s}
	got, err := rs.RolloutSpec()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
}

func TestRolloutSpecPrependsSmoke(t *testing.T) {
	w := int32(50)
	rs := ReleaseSpec{
		Strategy: Strategy{Steps: []Step{{SetWeight: &w}}},
		Smoke:    &SmokeStep{Command: []string{"python", "-m", "pytest"}, HTTP: []HTTPProbe{{Path: "/"}}},
	}
	got, err := rs.RolloutSpec()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Steps) != 2 || got.Steps[0].Smoke == nil || got.Steps[0].Smoke.Command[2] != "pytest" || *got.Steps[1].SetWeight != 50 {
		t.Fatalf("steps = %+v", got.Steps)
	}
	if err := got.Defaults().Validate(); err != nil {
		t.Fatalf("converted spec does not validate: %v", err)
	}
}

func TestBuildInfoRoundTrip(t *testing.T) {
	want := attest.BuildInfo{
		Service: "shop", Version: "1.2.3", GitCommit: "abc", GitDirty: true, GitSource: "https://example.invalid/shop",
		LockHash: "sha256:aa", LockFormat: "uv", PythonVersion: "3.11", BaseImage: "python:3.11-slim", BaseDigest: "sha256:bb",
		ImageDigest: "sha256:cc", ImageRef: "r/shop@sha256:cc", BuilderVersion: "pinwheel dev", CIProvider: "github",
		CIRunID: "42", CIRunURL: "https://ci.invalid/42", Reproducible: true,
		StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), FinishedAt: time.Date(2026, 1, 2, 3, 4, 9, 0, time.UTC),
		DurationMS: 4000, CacheHits: 7, CacheMisses: 2,
	}
	got := BuildInfoFrom(want).Attest()
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
	if z := (BuildInfo{Service: "s"}).Attest(); !z.StartedAt.IsZero() {
		t.Fatalf("zero start time became %v", z.StartedAt)
	}
}
