package driver

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Fold folds the runtime-shaping actions into the desired state
// before it is persisted, so the runtime is asked for exactly what the
// ledger says.
func (st *State) Fold(actions []rollout.Action) {
	for _, a := range actions {
		switch a := a.(type) {
		case rollout.ScaleCanary:
			st.CanaryScale = a.Weight
		case rollout.Promote:
			if !st.Promoted && st.Stable != nil {
				st.Standby = append(st.Standby, *st.Stable)
			}
			st.Promoted = true
		case rollout.Rollback:
			st.RolledBack, st.CanaryScale = true, 0
		case rollout.ScaleDown:
			kept := st.Standby[:0]
			for _, r := range st.Standby {
				if r.ID != a.Release {
					kept = append(kept, r)
				}
			}
			st.Standby = kept
		}
	}
}

// carryOut performs the actions that are not runtime state: smoke tests,
// measurements, notifications and ledger marks. Results are kept for the
// next Step. It returns how long the engine wants to wait.
func (d *Driver) carryOut(ctx context.Context, ro ledger.Rollout, st State, actions []rollout.Action) time.Duration {
	var requeue time.Duration
	pending := &rollout.Observations{}
	for _, a := range actions {
		switch a := a.(type) {
		case rollout.RunSmoke:
			res, err := d.target.Smoke(ctx, ro.Service, st.Canary.ID, a.Smoke)
			if err != nil {
				// The test could not run: no result; the engine retries
				// and its deadline bounds the wait.
				d.log.Warn("smoke test could not run", "rollout", ro.ID, "err", err)
				continue
			}
			pending.Smoke = &rollout.SmokeResult{Step: a.Step, Passed: res.Passed, Reason: res.Reason}
		case rollout.RunAnalysis:
			stable := ""
			if st.Stable != nil {
				stable = st.Stable.ID
			}
			ms := metrics.Measure(ctx, d.metrics, a.Checks, metrics.Round{Service: ro.Service, Canary: st.Canary.ID,
				Stable: stable, Since: a.Since, At: a.At, Step: d.step})
			pending.Analysis = &rollout.AnalysisResult{Step: a.Step, Round: a.Round, Measurements: ms}
		case rollout.Notify:
			d.notify(ctx, ro, st, a)
		case rollout.MarkReleaseGood:
			if err := d.store.SetReleaseState(ctx, a.Release, ledger.ReleaseRolling, true); err != nil {
				d.log.Warn("mark release good", "release", a.Release, "err", err)
			}
		case rollout.RequeueAfter:
			requeue = a.After
		}
	}
	if pending.Smoke != nil || pending.Analysis != nil {
		d.pending[ro.ID] = pending
		requeue = 0 // results are in: decide now
	}
	return requeue
}

func (d *Driver) notify(ctx context.Context, ro ledger.Rollout, st State, a rollout.Notify) {
	if d.notifier == nil {
		return
	}
	ev, ok := NotifyEvent(ro.Service, ro.ID, st, a, d.now())
	if !ok {
		return
	}
	if err := d.notifier.Notify(ctx, ev); err != nil {
		d.log.Warn("notify", "event", ev.Type, "err", err)
	}
}

// NotifyEvent is the notification for the engine's Notify action a, with
// both releases' build metadata and the latest verdicts. ok is false for
// events notifications do not carry.
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

// lastVerdicts returns the verdicts of the newest decision that has some.
func lastVerdicts(s rollout.Status) []analysis.Verdict {
	for i := len(s.Decisions) - 1; i >= 0; i-- {
		if len(s.Decisions[i].Verdicts) > 0 {
			return s.Decisions[i].Verdicts
		}
	}
	return nil
}
