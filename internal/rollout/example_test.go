package rollout_test

import (
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// A minimal driver: an in-memory "runtime" that applies every action at
// once and a metrics provider whose canary error rate is too high. Real
// drivers do the same with processes or Deployments, and persist status
// after every call.
func ExampleNext() {
	maxRate := 0.05
	spec := rollout.Spec{
		Steps: []rollout.Step{
			{SetWeight: intp(10)},
			{Analysis: &rollout.AnalysisStep{Checks: []string{"error-rate"}}},
			{SetWeight: intp(100)},
		},
		Checks: []analysis.Check{{Name: "error-rate", Kind: analysis.Threshold, Max: &maxRate}},
	}
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	status := rollout.NewStatus("v1", "v2")
	var obs rollout.Observations
	for !status.Terminal {
		var actions []rollout.Action
		status, actions = rollout.Next(spec, status, obs, now)
		obs.Analysis = nil
		for _, a := range actions {
			switch a := a.(type) {
			case rollout.ScaleCanary:
				obs.Canary = rollout.Readiness{Ready: 1, Desired: 1}
			case rollout.SetWeight:
				obs.AppliedWeight = a.Weight
			case rollout.Rollback:
				obs.AppliedWeight, obs.Canary = 0, rollout.Readiness{}
			case rollout.RunAnalysis:
				samples := []analysis.Sample{{Time: now, Value: 0.08}, {Time: now, Value: 0.09}, {Time: now, Value: 0.07}}
				obs.Analysis = &rollout.AnalysisResult{Step: a.Step, Round: a.Round,
					Measurements: map[string]analysis.Measurement{"error-rate": {Canary: samples}}}
			case rollout.Notify:
				fmt.Printf("%s: %s\n", a.Event, a.Reason)
			case rollout.RequeueAfter:
				now = now.Add(a.After)
			}
		}
	}
	fmt.Println(status.Phase)
	// Output:
	// started: rolling out v2 (stable: v1) in 3 steps
	// rollingBack: analysis failed at step 1 round 1 (1 failures, limit 0): error-rate: Fail (error-rate 0.08 > max 0.05 over 3 samples)
	// rolledBack: all traffic on v1; v2 scaled to zero
	// RolledBack
}

func intp(n int) *int { return &n }
