package loop

import (
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Added returns the decisions next logged that prev had not, oldest first.
func Added(prev, next rollout.Status) []rollout.Decision {
	added := (len(next.Decisions) + next.DecisionsDropped) - (len(prev.Decisions) + prev.DecisionsDropped)
	if added <= 0 {
		return nil
	}
	added = min(added, len(next.Decisions))
	return append([]rollout.Decision(nil), next.Decisions[len(next.Decisions)-added:]...)
}

// Outcome names how a rollout that ended in phase p ended, as records
// keep it: promoted, rolled-back, aborted or failed.
func Outcome(p rollout.Phase) string {
	switch p {
	case rollout.Promoted:
		return "promoted"
	case rollout.RolledBack:
		return "rolled-back"
	case rollout.Aborted:
		return "aborted"
	default:
		return "failed"
	}
}

// Why explains a rollout's state in one line: for a rollout that rolled
// back, the reason of the decision that started the rollback (not the final
// "all traffic on stable" message); otherwise the latest decision's reason.
func Why(s rollout.Status) string {
	for _, d := range s.Decisions {
		if d.Phase == rollout.RollingBack || d.Action == "rollback" {
			return d.Reason
		}
	}
	return s.Message
}

// FailingVerdicts returns the verdicts of the newest decision that had a
// non-passing verdict (the round that caused the rollback).
func FailingVerdicts(s rollout.Status) []analysis.Verdict {
	for i := len(s.Decisions) - 1; i >= 0; i-- {
		for _, v := range s.Decisions[i].Verdicts {
			if v.Outcome != analysis.Pass {
				return s.Decisions[i].Verdicts
			}
		}
	}
	return lastVerdicts(s)
}

// lastVerdicts returns the verdicts of the newest decision that has some.
func lastVerdicts(s rollout.Status) []analysis.Verdict {
	for i := len(s.Decisions) - 1; i >= 0; i-- {
		if len(s.Decisions[i].Verdicts) > 0 {
			return s.Decisions[i].Verdicts
		}
	}
	return nil
}

// NotifyEvent is the notification for the engine's Notify action a, with
// both releases' build metadata and the latest verdicts. ok is false for
// events notifications do not carry. rolloutID is 0 where rollouts have no
// number (the controller).
func NotifyEvent(service string, rolloutID int64, st State, a rollout.Notify, now time.Time) (notify.Event, bool) {
	typ, ok := notify.FromRollout(a.Event)
	if !ok {
		return notify.Event{}, false
	}
	ev := notify.Event{Type: typ, Time: now, Service: service, RolloutID: rolloutID, Step: st.Status.StepIndex,
		Weight: st.Status.CanaryWeight, Phase: string(st.Status.Phase), Reason: a.Reason,
		Release: notify.ReleaseRef{ID: st.Canary.ID, Build: st.Canary.BuildInfo}, Verdicts: lastVerdicts(st.Status)}
	if st.Stable != nil {
		ev.Stable = &notify.ReleaseRef{ID: st.Stable.ID, Build: st.Stable.BuildInfo}
	}
	return notify.WithID(ev), true
}
