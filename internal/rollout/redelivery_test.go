package rollout

import (
	"testing"
	"time"
)

// A driver may report the same result or command again (it crashed before
// persisting, or it reports until it sees the status move on). The second
// delivery must change nothing: no round counted twice, no second pause
// skipped, no second promotion.
func TestRedeliveryIsHarmless(t *testing.T) {
	tests := []struct {
		name   string
		status Status
		obs    Observations
	}{
		{"analysis_result", at(2, Analyzing, awaiting(1)), healthy(func(o *Observations) { o.Analysis = goodRound(2, 1) })},
		{"failing_analysis_result", at(2, Analyzing, awaiting(1)), healthy(func(o *Observations) { o.Analysis = badRound(2, 1) })},
		{"resume", at(4, Paused), healthy(cmd(CommandResume, 4), func(o *Observations) { o.Canary = Readiness{1, 2} })},
		{"promote", at(1, Paused), healthy(cmd(CommandPromote, 1))},
		{"promotion_confirmed", at(6, Promoting), healthy(func(o *Observations) { o.StableRelease = "v2" })},
		{"smoke_result", at(3, Smoking), healthy(func(o *Observations) { o.Smoke = &SmokeResult{Step: 3, Passed: true} })},
		{"abort", at(0, Progressing), healthy(cmd(CommandAbort, 0))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := testSpec()
			now := t0.Add(time.Minute)
			first, _ := Next(spec, tc.status, tc.obs, now)
			second, actions := Next(spec, first, tc.obs, now)
			if n := len(newDecisions(first, second)); n != 0 {
				t.Errorf("re-delivery made %d new decisions: %v", n, newDecisions(first, second))
			}
			if second.Phase != first.Phase || second.StepIndex != first.StepIndex || second.Analysis.Rounds != first.Analysis.Rounds {
				t.Errorf("re-delivery moved %s/%d → %s/%d", first.Phase, first.StepIndex, second.Phase, second.StepIndex)
			}
			for _, a := range actions {
				if _, ok := a.(MarkReleaseGood); ok {
					t.Errorf("re-delivery marked the release good again")
				}
			}
		})
	}
}
