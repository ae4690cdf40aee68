package analysis

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }

// series makes samples one minute apart ending at t0 + len(vals) minutes.
func series(vals ...float64) []Sample {
	out := make([]Sample, len(vals))
	for i, v := range vals {
		out[i] = Sample{Time: t0.Add(time.Duration(i) * time.Minute), Value: v}
	}
	return out
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestEvaluateThreshold(t *testing.T) {
	errRate := Check{Name: "error-rate", Kind: Threshold, Query: "q", Max: f(0.05), MinSamples: 3}.Defaults()
	tests := []struct {
		name       string
		check      Check
		m          Measurement
		want       Outcome
		wantReason string
	}{
		{"below_max_passes", errRate, Measurement{Canary: series(0.01, 0.02, 0.03)}, Pass, "error-rate 0.02 within max 0.05 over 3 samples"},
		{"above_max_fails", errRate, Measurement{Canary: series(0.06, 0.062, 0.064)}, Fail, "error-rate 0.062 > max 0.05 over 3 samples"},
		{"exactly_max_passes", errRate, Measurement{Canary: series(0.05, 0.05, 0.05)}, Pass, "within"},
		{"just_above_max_fails", errRate, Measurement{Canary: series(0.05, 0.05, 0.0500001)}, Fail, "> max 0.05"},
		{"too_few_samples_inconclusive", errRate, Measurement{Canary: series(0.9, 0.9)}, Inconclusive, "2 samples, need at least 3"},
		{"no_samples_inconclusive", errRate, Measurement{}, Inconclusive, "0 samples"},
		{"nan_samples_ignored_then_too_few", errRate, Measurement{Canary: series(math.NaN(), 0.01, math.Inf(1))}, Inconclusive, "2 NaN/Inf samples ignored"},
		{"nan_samples_ignored_enough_left", errRate, Measurement{Canary: series(math.NaN(), 0.01, 0.01, 0.01)}, Pass, "over 3 samples"},
		{"provider_error", errRate, Measurement{Err: "connection refused", Canary: series(0, 0, 0)}, Error, "metrics provider: connection refused"},
		{"min_breached", Check{Name: "throughput", Kind: Threshold, Min: f(10), MinSamples: 1}.Defaults(), Measurement{Canary: series(9.5)}, Fail, "throughput 9.5 < min 10"},
		{"max_aggregate_fails_on_spike", Check{Name: "p99", Kind: Threshold, Max: f(0.5), Aggregate: Max, MinSamples: 3}, Measurement{Canary: series(0.1, 0.9, 0.1)}, Fail, "p99 (max) 0.9 > max 0.5"},
		{"last_uses_newest_by_time", Check{Name: "p99", Kind: Threshold, Max: f(0.5), Aggregate: Last, MinSamples: 2},
			Measurement{Canary: []Sample{{t0.Add(time.Minute), 0.1}, {t0, 0.9}}}, Pass, "p99 (last) 0.1 within"},
		{"overflowing_mean_inconclusive", Check{Name: "big", Kind: Threshold, Max: f(1), MinSamples: 2}.Defaults(), Measurement{Canary: series(math.MaxFloat64, -math.MaxFloat64)}, Inconclusive, "not a finite number"},
		{"invalid_check_is_error", Check{Name: "bad", Kind: Threshold, MinSamples: 1}.Defaults(), Measurement{Canary: series(1)}, Error, "needs min, max or both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.check, tc.m)
			if v.Outcome != tc.want || !strings.Contains(v.Reason, tc.wantReason) {
				t.Errorf("got %s (%s), want %s containing %q", v.Outcome, v.Reason, tc.want, tc.wantReason)
			}
			assertJSONSafe(t, v)
		})
	}
}

func TestEvaluateThresholdEvidence(t *testing.T) {
	v := Evaluate(Check{Name: "error-rate", Kind: Threshold, Query: "rate(x)", Max: f(0.05), MinSamples: 3}.Defaults(),
		Measurement{Query: `rate(x{release="r2"})`, Canary: series(0.06, 0.062, 0.064, math.NaN())})
	e := v.Evidence
	if e.Query != `rate(x{release="r2"})` || e.Value == nil || math.Abs(*e.Value-0.062) > 1e-12 || e.Samples != 3 || e.Dropped != 1 || e.Threshold != "max 0.05" {
		t.Errorf("evidence = %+v", e)
	}
}

func TestEvaluateBurnRate(t *testing.T) {
	// SLO 99.9% → budget 0.001; factor 14.4 → error ratio above 0.0144 burns too fast.
	c := Check{Name: "availability", Kind: BurnRate, Objective: 0.999, FastWindow: Duration(5 * time.Minute), SlowWindow: Duration(60 * time.Minute), MinSamples: 3}.Defaults()
	tests := []struct {
		name       string
		samples    []float64
		want       Outcome
		wantReason string
	}{
		{"both_windows_burning_fails", repeat(0.02, 60), Fail, "both windows exceed"},
		{"healthy_passes", repeat(0.0001, 60), Pass, "burn rate 0.1x"},
		{"fast_only_spike_passes", append(repeat(0, 55), repeat(0.05, 5)...), Pass, "only the fast window exceeds"},
		{"slow_only_recovered_passes", append(repeat(0.05, 55), repeat(0, 5)...), Pass, "only the slow window exceeds"},
		{"exactly_at_factor_passes", repeat(0.0144, 60), Pass, "limit 14.4x"},
		{"too_few_in_fast_window", repeat(0.5, 2), Inconclusive, "fast window 5m0s: 2 samples, need at least 3"},
		{"nan_in_fast_window_inconclusive", append(repeat(0.5, 57), math.NaN(), math.NaN(), math.NaN()), Inconclusive, "3 NaN/Inf samples ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(c, Measurement{Canary: series(tc.samples...)})
			if v.Outcome != tc.want || !strings.Contains(v.Reason, tc.wantReason) {
				t.Errorf("got %s (%s), want %s containing %q", v.Outcome, v.Reason, tc.want, tc.wantReason)
			}
			assertJSONSafe(t, v)
		})
	}
}

func TestBurnRateWindowsByTimestamp(t *testing.T) {
	c := Check{Name: "a", Kind: BurnRate, Objective: 0.99, FastWindow: Duration(5 * time.Minute), SlowWindow: Duration(time.Hour), MinSamples: 1}.Defaults()
	// Samples out of order: the newest (t0+60m) is bad, an old one is bad too.
	m := Measurement{Canary: []Sample{{t0.Add(60 * time.Minute), 0.5}, {t0, 0.5}, {t0.Add(30 * time.Minute), 0.5}}}
	v := Evaluate(c, m)
	if v.Outcome != Fail || v.Evidence.FastBurn == nil || math.Abs(*v.Evidence.FastBurn-50) > 1e-9 || v.Evidence.Samples != 2 {
		t.Errorf("got %s %+v; want Fail with fast burn 50 over a 1h window holding 2 samples (t0 is exactly 1h old, excluded)", v.Outcome, v.Evidence)
	}
}

func TestEvaluateCompare(t *testing.T) {
	c := Check{Name: "latency", Kind: Compare, MinSamples: 10}.Defaults()
	stable := make([]float64, 40)
	for i := range stable {
		stable[i] = 0.200 + 0.001*float64(i%10)
	}
	scale := func(k float64) []float64 {
		out := make([]float64, len(stable))
		for i, v := range stable {
			out[i] = v * k
		}
		return out
	}
	tests := []struct {
		name       string
		canary     []float64
		stable     []float64
		want       Outcome
		wantReason string
	}{
		{"same_latency_passes", scale(1), stable, Pass, ">= alpha 0.05"},
		{"five_percent_slower_within_tolerance_passes", scale(1.05), stable, Pass, "+5.0%"},
		{"thirty_percent_slower_fails", scale(1.3), stable, Fail, "canary significantly worse"},
		{"faster_passes", scale(0.7), stable, Pass, "-30.0%"},
		{"too_few_canary", scale(2)[:5], stable, Inconclusive, "latency canary: 5 samples, need at least 10"},
		{"too_few_stable", scale(2), stable[:9], Inconclusive, "latency stable: 9 samples"},
		{"nan_canary_ignored", append(scale(1.3)[:9], math.NaN()), stable, Inconclusive, "1 NaN/Inf samples ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(c, Measurement{Canary: series(tc.canary...), Stable: series(tc.stable...)})
			if v.Outcome != tc.want || !strings.Contains(v.Reason, tc.wantReason) {
				t.Errorf("got %s (%s), want %s containing %q", v.Outcome, v.Reason, tc.want, tc.wantReason)
			}
			if v.Outcome == Fail || v.Outcome == Pass {
				if v.Evidence.PValue == nil || v.Evidence.EffectSize == nil || v.Evidence.Value == nil || v.Evidence.StableValue == nil {
					t.Errorf("missing compare evidence: %+v", v.Evidence)
				}
			}
			assertJSONSafe(t, v)
		})
	}
}

func TestEvaluateCompareLowerIsWorse(t *testing.T) {
	c := Check{Name: "throughput", Kind: Compare, MinSamples: 10, LowerIsWorse: true}.Defaults()
	stable := make([]float64, 30)
	for i := range stable {
		stable[i] = 100 + float64(i%7)
	}
	scale := func(k float64) []Sample {
		out := make([]float64, len(stable))
		for i, v := range stable {
			out[i] = v * k
		}
		return series(out...)
	}
	tests := []struct {
		name       string
		k          float64
		want       Outcome
		wantReason string
	}{
		{"thirty_percent_lower_fails", 0.7, Fail, "-30.0%, tolerance -10%"},
		{"five_percent_lower_passes", 0.95, Pass, ">= alpha"},
		{"higher_passes", 1.5, Pass, "+50.0%"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(c, Measurement{Canary: scale(tc.k), Stable: series(stable...)})
			if v.Outcome != tc.want || !strings.Contains(v.Reason, tc.wantReason) {
				t.Errorf("got %s (%s), want %s containing %q", v.Outcome, v.Reason, tc.want, tc.wantReason)
			}
		})
	}
}

func TestCheckValidate(t *testing.T) {
	tests := []struct {
		name    string
		check   Check
		wantErr string
	}{
		{"valid_threshold", Check{Name: "a", Kind: Threshold, Max: f(1)}.Defaults(), ""},
		{"valid_burn", Check{Name: "a", Kind: BurnRate, Objective: 0.999}.Defaults(), ""},
		{"valid_compare", Check{Name: "a", Kind: Compare}.Defaults(), ""},
		{"missing_name", Check{Kind: Compare}.Defaults(), "name: required"},
		{"missing_kind", Check{Name: "a"}.Defaults(), "kind: required"},
		{"unknown_kind", Check{Name: "a", Kind: "ratio"}.Defaults(), `got "ratio"`},
		{"min_above_max", Check{Name: "a", Kind: Threshold, Min: f(2), Max: f(1)}.Defaults(), "min 2 is greater than max 1"},
		{"nan_max", Check{Name: "a", Kind: Threshold, Max: f(math.NaN())}.Defaults(), "must be a finite number"},
		{"bad_aggregate", Check{Name: "a", Kind: Threshold, Max: f(1), Aggregate: "p50"}, "expected mean, max, min or last"},
		{"objective_as_percent", Check{Name: "a", Kind: BurnRate, Objective: 99.9}.Defaults(), "0.999 for 99.9%"},
		{"windows_reversed", Check{Name: "a", Kind: BurnRate, Objective: 0.99, FastWindow: Duration(time.Hour), SlowWindow: Duration(time.Minute)}.Defaults(), "must be shorter"},
		{"alpha_out_of_range", Check{Name: "a", Kind: Compare, Alpha: 1.5}.Defaults(), "alpha"},
		{"negative_tolerance", Check{Name: "a", Kind: Compare, Tolerance: -0.1}.Defaults(), "tolerance"},
		{"lower_is_worse_full_tolerance", Check{Name: "a", Kind: Compare, Tolerance: 1, LowerIsWorse: true}.Defaults(), "must be below 1"},
		{"zero_min_samples", Check{Name: "a", Kind: Compare, MinSamples: -1}.Defaults(), "minSamples"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSampleJSONRoundTripsNonFinite(t *testing.T) {
	in := []Sample{{t0, 1.5}, {t0, math.NaN()}, {t0, math.Inf(1)}, {t0, math.Inf(-1)}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []Sample
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out[0].Value != 1.5 || !math.IsNaN(out[1].Value) || !math.IsInf(out[2].Value, 1) || !math.IsInf(out[3].Value, -1) || !out[0].Time.Equal(t0) {
		t.Errorf("round trip of %s gave %+v", b, out)
	}
	if err := json.Unmarshal([]byte(`{"t":"2026-01-01T00:00:00Z","v":"high"}`), &out[0]); err == nil || !strings.Contains(err.Error(), "expected a number") {
		t.Errorf("bad value error = %v", err)
	}
}

func TestDurationText(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("1m30s")); err != nil || d.D() != 90*time.Second {
		t.Errorf("1m30s → %v, %v", d, err)
	}
	if err := d.UnmarshalText([]byte("30")); err == nil || !strings.Contains(err.Error(), "expected a Go duration") {
		t.Errorf("30 → %v", err)
	}
}

// assertJSONSafe checks a verdict marshals (no NaN slipped into evidence).
func assertJSONSafe(t *testing.T, v Verdict) {
	t.Helper()
	if _, err := json.Marshal(v); err != nil {
		t.Errorf("verdict does not marshal: %v", err)
	}
}
