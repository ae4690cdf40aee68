package rollout

import (
	"fmt"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// beginPromotion commits to making the canary stable. There is no way back
// from Promoting: commands and checks are no longer consulted.
func (e *engine) beginPromotion(manual bool, reason string) {
	e.st.Phase = Promoting
	e.st.StepIndex = len(e.spec.Steps)
	e.st.ManualPromotion = manual
	e.stopWaiting()
	e.decide("promote", reason, nil)
	e.do(Notify{Event: EventPromoting, Reason: reason})
	e.do(Promote{Canary: e.st.CanaryRelease, Stable: e.st.StableRelease})
	e.after(PollInterval)
}

// promoting issues Promote until the runtime serves the canary as stable,
// marks the release good (unless a person skipped its checks), waits
// ScaleDownDelay and scales the old stable release down.
func (e *engine) promoting() {
	if e.st.PromotedAt.IsZero() {
		if e.obs.StableRelease != e.st.CanaryRelease || e.obs.InFlight {
			e.do(Promote{Canary: e.st.CanaryRelease, Stable: e.st.StableRelease})
			e.after(PollInterval)
			return
		}
		e.st.PromotedAt = e.now
		e.st.CanaryWeight = 100
		e.decide("promoted", fmt.Sprintf("runtime serves %s as stable", e.st.CanaryRelease), nil)
		if !e.st.ManualPromotion {
			e.do(MarkReleaseGood{Release: e.st.CanaryRelease})
		}
	}
	if left := e.st.PromotedAt.Add(e.spec.ScaleDownDelay.D()).Sub(e.now); left > 0 {
		e.after(left)
		return
	}
	reason := fmt.Sprintf("%s promoted", e.st.CanaryRelease)
	if e.st.StableRelease != "" && e.st.StableRelease != e.st.CanaryRelease {
		e.do(ScaleDown{Release: e.st.StableRelease})
		reason += fmt.Sprintf("; %s scaled down after %s", e.st.StableRelease, e.spec.ScaleDownDelay)
	}
	e.st.Phase, e.st.Terminal = Promoted, true
	e.decide("done", reason, nil)
	e.do(Notify{Event: EventPromoted, Reason: reason})
}

// beginRollback sends all traffic back to stable; the rollout ends in final
// (RolledBack or Aborted) once the runtime confirms.
func (e *engine) beginRollback(final Phase, reason string, verdicts []analysis.Verdict) {
	e.st.Phase, e.st.RollbackTo, e.st.CanaryWeight = RollingBack, final, 0
	e.stopWaiting()
	e.decide("rollback", reason, verdicts)
	e.do(Notify{Event: EventRollingBack, Reason: reason})
	e.do(Rollback{Stable: e.st.StableRelease, Canary: e.st.CanaryRelease})
	e.after(PollInterval)
}

// rollingBack re-issues Rollback until the canary has no traffic and no
// replicas, then ends the rollout.
func (e *engine) rollingBack() {
	if e.obs.AppliedWeight != 0 || e.obs.Canary.Desired != 0 || e.obs.InFlight {
		e.do(Rollback{Stable: e.st.StableRelease, Canary: e.st.CanaryRelease})
		e.after(PollInterval)
		return
	}
	final := e.st.RollbackTo
	if final == "" {
		final = RolledBack
	}
	e.st.Phase, e.st.Terminal, e.st.CanaryWeight, e.st.CanaryScale = final, true, 0, 0
	reason := fmt.Sprintf("all traffic on %s; %s scaled to zero", orNone(e.st.StableRelease), e.st.CanaryRelease)
	e.decide("done", reason, nil)
	event := EventRolledBack
	if final == Aborted {
		event = EventAborted
	}
	e.do(Notify{Event: event, Reason: reason})
}
