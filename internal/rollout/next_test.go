package rollout

import (
	"strings"
	"testing"
	"time"
)

func at(step int, phase Phase, edits ...func(*Status)) Status {
	st := NewStatus("v1", "v2")
	st.Phase, st.StepIndex, st.StartedAt, st.StepStartedAt = phase, step, t0, t0
	st.CanaryScale, st.CanaryWeight = 20, 20
	for _, edit := range edits {
		edit(&st)
	}
	return st
}

func awaiting(round int) func(*Status) {
	return func(s *Status) {
		s.Analysis.AwaitingRound, s.Analysis.RequestedAt, s.Analysis.Rounds = round, t0, round-1
		s.WaitingSince, s.WaitingFor = t0, "measurements"
	}
}

func healthy(edits ...func(*Observations)) Observations {
	o := Observations{Canary: Readiness{2, 2}, Stable: Readiness{4, 4}, AppliedWeight: 20, StableRelease: "v1"}
	for _, edit := range edits {
		edit(&o)
	}
	return o
}

func cmd(kind CommandKind, step int) func(*Observations) {
	return func(o *Observations) { o.Commands = append(o.Commands, Command{Kind: kind, Step: step, By: "ana"}) }
}

func TestNextTransitions(t *testing.T) {
	tests := []struct {
		name        string
		spec        func(*Spec)
		status      Status
		obs         Observations
		after       time.Duration // now = t0 + after
		wantPhase   Phase
		wantStep    int
		wantActions []string // each a prefix of the action's String()
		wantReason  string   // substring of Status.Message
	}{
		{
			name: "pending_starts_and_scales_canary", status: NewStatus("v1", "v2"), obs: healthy(func(o *Observations) { o.AppliedWeight = 0 }),
			wantPhase: Progressing, wantStep: 0,
			wantActions: []string{"Notify(started: rolling out v2 (stable: v1) in 6 steps)", "ScaleCanary(20)", "RequeueAfter(5s)"},
		},
		{
			name: "set_weight_waits_for_canary_readiness", status: at(0, Progressing), obs: healthy(func(o *Observations) { o.Canary = Readiness{1, 2}; o.AppliedWeight = 0 }),
			wantPhase: Progressing, wantStep: 0, wantActions: []string{"ScaleCanary(20)", "RequeueAfter(5s)"},
		},
		{
			name: "set_weight_routes_traffic_when_ready", status: at(0, Progressing), obs: healthy(func(o *Observations) { o.AppliedWeight = 0 }),
			wantPhase: Progressing, wantStep: 0, wantActions: []string{"SetWeight(20)", "RequeueAfter(5s)"},
		},
		{
			name: "set_weight_advances_when_applied", status: at(0, Progressing), obs: healthy(), after: 10 * time.Second,
			wantPhase: Paused, wantStep: 1, wantActions: []string{"RequeueAfter(1m0s)"}, wantReason: "step 1: pause for 1m0s",
		},
		{
			name: "timed_pause_waits_out_its_duration", status: at(1, Paused), obs: healthy(), after: 20 * time.Second,
			wantPhase: Paused, wantStep: 1, wantActions: []string{"RequeueAfter(40s)"},
		},
		{
			name: "timed_pause_ends_and_first_round_is_requested", status: at(1, Paused), obs: healthy(), after: time.Minute,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RunAnalysis(step=2 round=1 checks=error-rate,latency since=2026-03-04T12:01:00Z", "RequeueAfter(5s)"},
		},
		{
			name: "warmup_delays_first_round", spec: func(s *Spec) { s.Analysis.Warmup = dur(2 * time.Minute) }, status: at(1, Paused), obs: healthy(), after: time.Minute,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RequeueAfter(2m0s)"},
		},
		{
			name: "passing_round_waits_for_interval", status: at(2, Analyzing, awaiting(1)), obs: healthy(func(o *Observations) { o.Analysis = goodRound(2, 1) }), after: 3 * time.Second,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RequeueAfter(1m0s)"}, wantReason: "step 2 round 1: 2 pass",
		},
		{
			name: "enough_passing_rounds_complete_step", status: at(2, Analyzing, awaiting(2)), obs: healthy(func(o *Observations) { o.Analysis = goodRound(2, 2) }), after: 2 * time.Minute,
			wantPhase: Smoking, wantStep: 3, wantActions: []string{"RunSmoke(step=3 command=[] http=[/healthz=200] timeout=10s)", "RequeueAfter(5s)"},
		},
		{
			name: "failed_check_rolls_back", status: at(2, Analyzing, awaiting(1)), obs: healthy(func(o *Observations) { o.Analysis = badRound(2, 1) }),
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Notify(rollingBack: analysis failed at step 2 round 1 (1 failures, limit 0): error-rate: Fail (error-rate 0.2 > max 0.05 over 5 samples))", "Rollback(stable=v1 canary=v2)", "RequeueAfter(5s)"},
		},
		{
			name: "failure_within_limit_keeps_measuring", spec: func(s *Spec) { s.Analysis.FailureLimit = 1 }, status: at(2, Analyzing, awaiting(2)), obs: healthy(func(o *Observations) { o.Analysis = badRound(2, 2) }), after: 2 * time.Minute,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RequeueAfter(1m0s)"}, wantReason: "1 pass, 1 fail",
		},
		{
			name: "inconclusive_within_limit_keeps_measuring", status: at(2, Analyzing, awaiting(2)), obs: healthy(func(o *Observations) { o.Analysis = thinRound(2, 2) }), after: 2 * time.Minute,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RequeueAfter(1m0s)"}, wantReason: "1 pass, 1 inconclusive",
		},
		{
			name: "inconclusive_beyond_limit_rolls_back", status: at(2, Analyzing, awaiting(3), func(s *Status) { s.Analysis.Inconclusive = 2 }), obs: healthy(func(o *Observations) { o.Analysis = thinRound(2, 3) }),
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Notify(rollingBack: analysis inconclusive at step 2 (3 inconclusive verdicts, limit 2)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "errors_beyond_consecutive_limit_roll_back", status: at(2, Analyzing, awaiting(5), func(s *Status) { s.Analysis.ConsecutiveErrors = 4 }), obs: healthy(func(o *Observations) { o.Analysis = errRound(2, 5) }),
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Notify(rollingBack: analysis errored at step 2 in 5 consecutive rounds (limit 4): latency: Error (metrics provider: prometheus: 503))", "Rollback(", "RequeueAfter"},
		},
		{
			name: "missing_measurement_is_an_error", status: at(2, Analyzing, awaiting(1)), obs: healthy(func(o *Observations) {
				o.Analysis = goodRound(2, 1)
				delete(o.Analysis.Measurements, "latency")
			}),
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RequeueAfter(1m0s)"}, wantReason: "1 pass, 1 error",
		},
		{
			name: "stale_round_is_ignored_and_request_repeated", status: at(2, Analyzing, awaiting(2)), obs: healthy(func(o *Observations) { o.Analysis = badRound(2, 1) }), after: time.Minute,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RunAnalysis(step=2 round=2", "RequeueAfter(5s)"},
		},
		{
			name: "measurements_never_arrive_past_deadline", status: at(2, Analyzing, awaiting(1)), obs: healthy(), after: 11 * time.Minute,
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Notify(rollingBack: progress deadline 10m0s exceeded: waited 11m0s for measurements for round 1)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "earlier_wait_does_not_count_against_next_round", status: at(2, Analyzing, func(s *Status) {
				s.WaitingSince, s.Analysis.Rounds, s.Analysis.NextRoundAt = t0, 1, t0.Add(11*time.Minute)
			}), obs: healthy(), after: 11 * time.Minute,
			wantPhase: Analyzing, wantStep: 2, wantActions: []string{"RunAnalysis(step=2 round=2", "RequeueAfter(5s)"},
		},
		{
			name: "smoke_pass_reaches_indefinite_pause", status: at(3, Smoking), obs: healthy(func(o *Observations) { o.Smoke = &SmokeResult{Step: 3, Passed: true} }),
			wantPhase: Paused, wantStep: 4, wantActions: []string{"Notify(paused: step 4: paused until resumed or promoted)", "RequeueAfter(5s)"},
		},
		{
			name: "smoke_fail_rolls_back", status: at(3, Smoking), obs: healthy(func(o *Observations) { o.Smoke = &SmokeResult{Step: 3, Reason: "/healthz answered 500, want 200"} }),
			wantPhase: RollingBack, wantStep: 3, wantActions: []string{"Notify(rollingBack: smoke test failed at step 3: /healthz answered 500, want 200)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "smoke_waits_for_a_ready_canary", status: at(3, Smoking), obs: healthy(func(o *Observations) { o.Canary = Readiness{0, 1} }), after: time.Minute,
			wantPhase: Smoking, wantStep: 3, wantActions: []string{"ScaleCanary(20)", "RequeueAfter(5s)"},
		},
		{
			name: "smoke_timeout_counts_from_request", status: at(3, Smoking, func(s *Status) { s.SmokeRequestedAt = t0.Add(time.Minute) }), obs: healthy(), after: 80 * time.Second,
			wantPhase: Smoking, wantStep: 3, wantActions: []string{"RunSmoke(step=3", "RequeueAfter(5s)"},
		},
		{
			name: "smoke_without_result_times_out", status: at(3, Smoking, func(s *Status) { s.SmokeRequestedAt = t0 }), obs: healthy(), after: 21 * time.Second,
			wantPhase: RollingBack, wantStep: 3, wantActions: []string{"Notify(rollingBack: smoke test at step 3 gave no result within 20s)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "indefinite_pause_waits", status: at(4, Paused), obs: healthy(), after: time.Hour,
			wantPhase: Paused, wantStep: 4, wantActions: []string{"RequeueAfter(5s)"},
		},
		{
			name: "resume_for_another_step_is_ignored", status: at(4, Paused), obs: healthy(cmd(CommandResume, 1)),
			wantPhase: Paused, wantStep: 4, wantActions: []string{"RequeueAfter(5s)"},
		},
		{
			name: "resume_continues_to_next_step", status: at(4, Paused), obs: healthy(cmd(CommandResume, 4)),
			wantPhase: Progressing, wantStep: 5, wantActions: []string{"ScaleCanary(100)", "RequeueAfter(5s)"},
		},
		{
			name: "last_step_done_promotes", status: at(5, Progressing, func(s *Status) { s.CanaryScale = 100 }), obs: healthy(func(o *Observations) { o.AppliedWeight = 100 }),
			wantPhase: Promoting, wantStep: 6, wantActions: []string{"Notify(promoting: all 6 steps completed)", "Promote(canary=v2 stable=v1)", "RequeueAfter(5s)"},
		},
		{
			name: "promoting_repeats_until_runtime_confirms", status: at(6, Promoting), obs: healthy(),
			wantPhase: Promoting, wantStep: 6, wantActions: []string{"Promote(canary=v2 stable=v1)", "RequeueAfter(5s)"},
		},
		{
			name: "promotion_confirmed_marks_good_and_waits_scale_down_delay", status: at(6, Promoting), obs: healthy(func(o *Observations) { o.StableRelease = "v2" }),
			wantPhase: Promoting, wantStep: 6, wantActions: []string{"MarkReleaseGood(v2)", "RequeueAfter(30s)"},
		},
		{
			name: "manual_promotion_is_not_marked_good", status: at(6, Promoting, func(s *Status) { s.ManualPromotion = true }), obs: healthy(func(o *Observations) { o.StableRelease = "v2" }),
			wantPhase: Promoting, wantStep: 6, wantActions: []string{"RequeueAfter(30s)"},
		},
		{
			name: "scale_down_after_delay_ends_promoted", status: at(6, Promoting, func(s *Status) { s.PromotedAt = t0 }), obs: healthy(func(o *Observations) { o.StableRelease = "v2" }), after: 30 * time.Second,
			wantPhase: Promoted, wantStep: 6, wantActions: []string{"ScaleDown(v1)", "Notify(promoted: v2 promoted; v1 scaled down after 30s)"},
		},
		{
			name: "manual_promote_skips_remaining_steps", status: at(1, Paused), obs: healthy(cmd(CommandPromote, 0)),
			wantPhase: Promoting, wantStep: 6, wantActions: []string{"Notify(promoting: promoted by ana)", "Promote(", "RequeueAfter"},
		},
		{
			name: "failed_check_beats_manual_promote", status: at(2, Analyzing, awaiting(1)), obs: healthy(cmd(CommandPromote, 0), func(o *Observations) { o.Analysis = badRound(2, 1) }),
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Notify(rollingBack: analysis failed", "Rollback(", "RequeueAfter"},
		},
		{
			name: "abort_beats_promote", status: at(2, Analyzing), obs: healthy(cmd(CommandPromote, 0), cmd(CommandAbort, 0)),
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Notify(rollingBack: aborted by ana)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "rollback_command_rolls_back", status: at(0, Progressing), obs: healthy(cmd(CommandRollback, 0)),
			wantPhase: RollingBack, wantStep: 0, wantActions: []string{"Notify(rollingBack: rollback requested by ana)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "abort_while_promoting_is_logged_not_dropped", status: at(6, Promoting), obs: healthy(cmd(CommandAbort, 0)),
			wantPhase: Promoting, wantStep: 6, wantActions: []string{"Promote(", "RequeueAfter"},
			wantReason: "abort asked by ana came too late: the rollout is already promoting (once it is promoted, `pinwheel rollback`",
		},
		{
			name: "promote_while_rolling_back_is_logged_not_dropped", status: at(2, RollingBack, func(s *Status) { s.RollbackTo = RolledBack }),
			obs: healthy(cmd(CommandPromote, 0)), wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Rollback(", "RequeueAfter"},
			wantReason: "promote asked by ana came too late: the rollout is already rolling back",
		},
		{
			name: "rolling_back_repeats_until_canary_drained", status: at(2, RollingBack, func(s *Status) { s.RollbackTo = RolledBack }), obs: healthy(),
			wantPhase: RollingBack, wantStep: 2, wantActions: []string{"Rollback(stable=v1 canary=v2)", "RequeueAfter(5s)"},
		},
		{
			name: "rollback_confirmed_ends_rolled_back", status: at(2, RollingBack, func(s *Status) { s.RollbackTo = RolledBack }), obs: healthy(func(o *Observations) { o.AppliedWeight, o.Canary = 0, Readiness{} }),
			wantPhase: RolledBack, wantStep: 2, wantActions: []string{"Notify(rolledBack: all traffic on v1; v2 scaled to zero)"},
		},
		{
			name: "abort_confirmed_ends_aborted", status: at(2, RollingBack, func(s *Status) { s.RollbackTo = Aborted }), obs: healthy(func(o *Observations) { o.AppliedWeight, o.Canary = 0, Readiness{} }),
			wantPhase: Aborted, wantStep: 2, wantActions: []string{"Notify(aborted: "},
		},
		{
			name: "stuck_readiness_past_deadline_rolls_back", status: at(0, Progressing, func(s *Status) { s.WaitingSince = t0 }), obs: healthy(func(o *Observations) { o.Canary = Readiness{0, 2} }), after: 10*time.Minute + time.Second,
			wantPhase: RollingBack, wantStep: 0, wantActions: []string{"Notify(rollingBack: progress deadline 10m0s exceeded: waited 10m1s for canary readiness (0/2 ready))", "Rollback(", "RequeueAfter"},
		},
		{
			name: "in_flight_action_waits", status: at(1, Paused), obs: healthy(func(o *Observations) { o.InFlight = true }), after: time.Hour,
			wantPhase: Paused, wantStep: 1, wantActions: []string{"RequeueAfter(5s)"},
		},
		{
			name: "in_flight_past_deadline_rolls_back", status: at(1, Paused, func(s *Status) { s.WaitingSince = t0 }), obs: healthy(func(o *Observations) { o.InFlight = true }), after: time.Hour,
			wantPhase: RollingBack, wantStep: 1, wantActions: []string{"Notify(rollingBack: progress deadline 10m0s exceeded: waited 1h0m0s for a previous action to finish)", "Rollback(", "RequeueAfter"},
		},
		{
			name: "terminal_status_is_final", status: at(6, Promoted, func(s *Status) { s.Terminal = true }), obs: healthy(cmd(CommandAbort, 0)),
			wantPhase: Promoted, wantStep: 6, wantActions: nil,
		},
		{
			name: "invalid_spec_fails", spec: func(s *Spec) { s.Steps[0].SetWeight = ip(120) }, status: NewStatus("v1", "v2"), obs: healthy(),
			wantPhase: Failed, wantStep: 0, wantActions: []string{"Rollback(", "Notify(failed: invalid rollout spec: steps[0].setWeight: expected a percentage from 0 to 100, got 120)"},
		},
		{
			name: "step_beyond_spec_fails", status: at(9, Paused), obs: healthy(),
			wantPhase: Failed, wantStep: 9, wantActions: []string{"Rollback(", "Notify(failed: status step 9 does not exist in a spec of 6 steps"},
		},
		{
			name: "unknown_phase_fails", status: at(1, "Sleeping"), obs: healthy(),
			wantPhase: Failed, wantStep: 1, wantActions: []string{"Rollback(", `Notify(failed: status has unknown phase "Sleeping")`},
		},
		{
			name: "fast_rollback_skips_timed_pause_and_analysis", spec: func(s *Spec) { s.FastRollback = true }, status: at(1, Paused, func(s *Status) { s.FastTrack = true }), obs: healthy(),
			wantPhase: Smoking, wantStep: 3, wantActions: []string{"RunSmoke(", "RequeueAfter(5s)"},
		},
		{
			name: "fast_rollback_marks_start", spec: func(s *Spec) { s.FastRollback = true }, status: NewStatus("v3", "v2"), obs: healthy(func(o *Observations) { o.CanaryKnownGood = true; o.AppliedWeight = 0 }),
			wantPhase: Progressing, wantStep: 0, wantActions: []string{"Notify(started: rolling out v2 (stable: v3) in 6 steps; release already passed analysis", "ScaleCanary(20)", "RequeueAfter"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := testSpec()
			if tc.spec != nil {
				tc.spec(&spec)
			}
			got, actions := Next(spec, tc.status, tc.obs, t0.Add(tc.after))
			if got.Phase != tc.wantPhase || got.StepIndex != tc.wantStep {
				t.Errorf("phase/step = %s/%d, want %s/%d (message %q)", got.Phase, got.StepIndex, tc.wantPhase, tc.wantStep, got.Message)
			}
			if got.Terminal != got.Phase.IsTerminal() {
				t.Errorf("terminal flag %v disagrees with phase %s", got.Terminal, got.Phase)
			}
			lines := strings.Split(render(actions), "\n")
			if len(actions) == 0 {
				lines = nil
			}
			match := len(lines) == len(tc.wantActions)
			for i := 0; match && i < len(lines); i++ {
				match = strings.HasPrefix(lines[i], tc.wantActions[i])
			}
			if !match {
				t.Errorf("actions:\n%s\nwant prefixes:\n%s", render(actions), strings.Join(tc.wantActions, "\n"))
			}
			if !strings.Contains(got.Message, tc.wantReason) {
				t.Errorf("message %q does not contain %q", got.Message, tc.wantReason)
			}
		})
	}
}

func TestStatusSummary(t *testing.T) {
	st, _ := Next(testSpec(), at(0, Progressing), healthy(func(o *Observations) { o.Canary = Readiness{1, 2} }), t0)
	want := "Progressing step 0: canary v2 at 20% (stable v1); waiting for canary readiness (1/2 ready)"
	if got := st.Summary(); got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}
