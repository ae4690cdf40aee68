package driver

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// syncExec is the driver's loop.Executor: it carries out smoke tests and
// measurements in the turn (their results go to the next turn),
// notifications, and ledger marks.
type syncExec struct {
	d  *Driver
	ro ledger.Rollout
}

func (x *syncExec) Carry(ctx context.Context, st loop.State, actions []rollout.Action) time.Duration {
	d, ro := x.d, x.ro
	var requeue time.Duration
	var results rollout.Observations
	for _, a := range actions {
		switch a := a.(type) {
		case rollout.RunSmoke:
			res, err := loop.Smoke(ctx, d.target, ro.Service, st, a)
			if err != nil {
				d.log.Warn("smoke test could not run", "rollout", ro.ID, "err", err)
				continue
			}
			results.Smoke = res
		case rollout.RunAnalysis:
			results.Analysis = loop.Measure(ctx, d.metrics, ro.Service, st, a, d.step)
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
	if results.Smoke != nil || results.Analysis != nil {
		d.results.Put(ro.ID, results)
		requeue = 0 // results are in: decide now
	}
	return requeue
}

func (d *Driver) notify(ctx context.Context, ro ledger.Rollout, st loop.State, a rollout.Notify) {
	if d.notifier == nil {
		return
	}
	ev, ok := loop.NotifyEvent(ro.Service, ro.ID, st, a, d.now())
	if !ok {
		return
	}
	if err := d.notifier.Notify(ctx, ev); err != nil {
		d.log.Warn("notify", "event", ev.Type, "err", err)
	}
}
