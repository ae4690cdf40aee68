package rollout

import (
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

var t0 = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

func ip(n int) *int                { return &n }
func fp(f float64) *float64        { return &f }
func dur(d time.Duration) Duration { return Duration(d) }

// testSpec: 20% → pause 1m → analysis (2 rounds) → smoke → pause until
// resumed → 100%.
func testSpec() Spec {
	return Spec{
		Steps: []Step{
			{SetWeight: ip(20)},
			{Pause: &PauseStep{Duration: dur(time.Minute)}},
			{Analysis: &AnalysisStep{Checks: []string{"error-rate", "latency"}, Samples: 2}},
			{Smoke: &SmokeStep{HTTP: []HTTPProbe{{Path: "/healthz"}}, Timeout: dur(10 * time.Second)}},
			{Pause: &PauseStep{}},
			{SetWeight: ip(100)},
		},
		Checks: []analysis.Check{
			{Name: "error-rate", Kind: analysis.Threshold, Query: "errors", Max: fp(0.05), MinSamples: 3},
			{Name: "latency", Kind: analysis.Compare, Query: "p50", MinSamples: 5},
		},
	}
}

// samples returns n one-second-apart samples of value v ending at t0.
func samples(v float64, n int) []analysis.Sample {
	out := make([]analysis.Sample, n)
	for i := range out {
		out[i] = analysis.Sample{Time: t0.Add(time.Duration(i-n) * time.Second), Value: v}
	}
	return out
}

// goodRound is a passing measurement set for testSpec's analysis step.
func goodRound(step, round int) *AnalysisResult {
	return &AnalysisResult{Step: step, Round: round, Measurements: map[string]analysis.Measurement{
		"error-rate": {Canary: samples(0.01, 5)},
		"latency":    {Canary: samples(0.2, 8), Stable: samples(0.2, 8)},
	}}
}

func badRound(step, round int) *AnalysisResult {
	r := goodRound(step, round)
	r.Measurements["error-rate"] = analysis.Measurement{Canary: samples(0.2, 5)}
	return r
}

func thinRound(step, round int) *AnalysisResult {
	r := goodRound(step, round)
	r.Measurements["error-rate"] = analysis.Measurement{Canary: samples(0.01, 1)}
	return r
}

func errRound(step, round int) *AnalysisResult {
	r := goodRound(step, round)
	r.Measurements["latency"] = analysis.Measurement{Err: "prometheus: 503"}
	return r
}

func render(actions []Action) string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.String()
	}
	return strings.Join(out, "\n")
}
