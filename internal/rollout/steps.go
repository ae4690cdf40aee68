package rollout

import (
	"fmt"
	"time"
)

// progress is what a step handler decided.
type progress int

const (
	advance progress = iota // the step is done; go to the next
	stay                    // keep the step; the handler asked for a requeue
	stopped                 // the handler began a rollback or promotion
)

// runSteps runs the current step and, while steps complete, the next ones.
func (e *engine) runSteps() {
	for range len(e.spec.Steps) + 1 {
		if !e.st.Phase.inStep() {
			return
		}
		if e.step() != advance {
			return
		}
		e.enterStep(e.st.StepIndex + 1)
	}
}

// step runs the handler for the current step.
func (e *engine) step() progress {
	s := e.spec.Steps[e.st.StepIndex]
	switch {
	case s.SetWeight != nil:
		return e.setWeight(*s.SetWeight)
	case s.Pause != nil:
		return e.pause(s.Pause.Duration.D())
	case s.Analysis != nil:
		return e.analyze(*s.Analysis)
	default:
		return e.smoke(*s.Smoke)
	}
}

// enterStep starts step i, or promotion after the last step.
func (e *engine) enterStep(i int) {
	e.st.StepIndex = i
	e.st.StepStartedAt = e.now
	e.st.Analysis = AnalysisCounters{}
	e.st.SmokeRequestedAt = time.Time{}
	e.stopWaiting()
	if i >= len(e.spec.Steps) {
		e.beginPromotion(false, fmt.Sprintf("all %d steps completed", len(e.spec.Steps)))
		return
	}
	s := e.spec.Steps[i]
	var reason string
	switch {
	case s.SetWeight != nil:
		e.st.Phase, reason = Progressing, fmt.Sprintf("set canary weight to %d%%", *s.SetWeight)
	case s.Pause != nil:
		e.st.Phase = Paused
		if s.Pause.Duration == 0 {
			reason = "paused until resumed or promoted"
			e.do(Notify{Event: EventPaused, Reason: fmt.Sprintf("step %d: %s", i, reason)})
		} else {
			reason = fmt.Sprintf("pause for %s", s.Pause.Duration)
		}
	case s.Analysis != nil:
		e.st.Phase, reason = Analyzing, fmt.Sprintf("analyze %v", s.Analysis.Checks)
		e.st.Analysis.NextRoundAt = e.now.Add(e.spec.Analysis.Warmup.D())
	default:
		e.st.Phase, reason = Smoking, "smoke test the canary"
	}
	e.decide("step", fmt.Sprintf("step %d: %s", i, reason), nil)
}

// setWeight scales the canary for weight w, waits until it is ready, then
// routes w% of traffic to it and waits until the router applies it.
func (e *engine) setWeight(w int) progress {
	if w > 0 && e.st.CanaryScale < w {
		if !e.wait(fmt.Sprintf("canary to scale for %d%%", w)) {
			return stopped
		}
		e.st.CanaryScale = w
		e.do(ScaleCanary{Weight: w})
		return stay
	}
	if w > 0 && !e.obs.Canary.ready() {
		if !e.wait(fmt.Sprintf("canary readiness (%d/%d ready)", e.obs.Canary.Ready, e.obs.Canary.Desired)) {
			return stopped
		}
		e.do(ScaleCanary{Weight: e.st.CanaryScale})
		return stay
	}
	if e.obs.AppliedWeight != w {
		if !e.wait(fmt.Sprintf("router to apply weight %d%% (now %d%%)", w, e.obs.AppliedWeight)) {
			return stopped
		}
		e.st.CanaryWeight = w
		e.do(SetWeight{Weight: w})
		return stay
	}
	e.st.CanaryWeight = w
	e.decide("advance", fmt.Sprintf("step %d: canary weight %d%% applied", e.st.StepIndex, w), nil)
	return advance
}

// pause waits for its duration, or for a Resume when it has none. Timed
// pauses are skipped on the fast track.
func (e *engine) pause(d time.Duration) progress {
	e.stopWaiting()
	if c, ok := e.resumed(); ok {
		e.decide("advance", fmt.Sprintf("step %d: resumed by %s%s", e.st.StepIndex, who(c.By), because(c.Reason)), nil)
		return advance
	}
	if d == 0 {
		e.after(PollInterval)
		return stay
	}
	if e.st.FastTrack {
		e.decide("advance", fmt.Sprintf("step %d: timed pause skipped, release already passed analysis", e.st.StepIndex), nil)
		return advance
	}
	if left := e.st.StepStartedAt.Add(d).Sub(e.now); left > 0 {
		e.after(left)
		return stay
	}
	e.decide("advance", fmt.Sprintf("step %d: paused %s", e.st.StepIndex, d), nil)
	return advance
}

// smoke makes sure the canary has ready replicas (one at least, even at 0%
// traffic), then asks for the smoke test until a result for this step
// arrives. No result within twice the timeout counts as a failure.
func (e *engine) smoke(s SmokeStep) progress {
	if r := e.obs.Smoke; r != nil && r.Step == e.st.StepIndex {
		return e.smokeResult(*r)
	}
	if e.st.SmokeRequestedAt.IsZero() {
		if !e.obs.Canary.ready() {
			if !e.wait(fmt.Sprintf("canary readiness for the smoke test (%d/%d ready)", e.obs.Canary.Ready, e.obs.Canary.Desired)) {
				return stopped
			}
			e.do(ScaleCanary{Weight: e.st.CanaryScale})
			return stay
		}
		e.st.SmokeRequestedAt = e.now
		e.stopWaiting()
	}
	if limit := 2 * s.Timeout.D(); e.now.Sub(e.st.SmokeRequestedAt) > limit {
		e.beginRollback(RolledBack, fmt.Sprintf("smoke test at step %d gave no result within %s", e.st.StepIndex, limit), nil)
		return stopped
	}
	if !e.wait("smoke test result") {
		return stopped
	}
	e.do(RunSmoke{Step: e.st.StepIndex, Smoke: s})
	return stay
}

func (e *engine) smokeResult(r SmokeResult) progress {
	if !r.Passed {
		e.beginRollback(RolledBack, fmt.Sprintf("smoke test failed at step %d%s", e.st.StepIndex, because(r.Reason)), nil)
		return stopped
	}
	e.decide("advance", fmt.Sprintf("step %d: smoke test passed%s", e.st.StepIndex, because(r.Reason)), nil)
	return advance
}

// consumeResults judges an analysis or smoke result for the current step
// that arrived with a promote command. It reports whether a rollback began.
func (e *engine) consumeResults() bool {
	if !e.st.Phase.inStep() {
		return false
	}
	s := e.spec.Steps[e.st.StepIndex]
	switch {
	case s.Analysis != nil && e.st.Analysis.AwaitingRound > 0:
		if r := e.obs.Analysis; r != nil && r.Step == e.st.StepIndex && r.Round == e.st.Analysis.AwaitingRound {
			e.judgeRound(*s.Analysis, *r)
		}
	case s.Smoke != nil:
		if r := e.obs.Smoke; r != nil && r.Step == e.st.StepIndex && !r.Passed {
			e.smokeResult(*r)
		}
	}
	return e.st.Phase == RollingBack
}
