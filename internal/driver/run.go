package driver

import (
	"context"
	"errors"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
)

// MaxWait bounds how long Run sleeps between steps, so commands (promote,
// abort) and a killed runtime are noticed promptly.
const MaxWait = time.Second

// Run steps service's active rollout until it reaches a terminal phase or
// ctx ends, and returns the final rollout record.
func (d *Driver) Run(ctx context.Context, service string) (ledger.Rollout, error) {
	for {
		res, err := d.Step(ctx, service)
		if errors.Is(err, ledger.ErrNotFound) {
			return d.lastRollout(ctx, service)
		}
		if err != nil {
			if ctx.Err() != nil {
				return res.Rollout, ctx.Err()
			}
			d.log.Warn("step failed; retrying", "service", service, "err", err)
			res.Requeue = d.maxWait
		}
		if res.Done {
			return res.Rollout, nil
		}
		wait := min(res.Requeue, d.maxWait)
		if wait > 0 {
			if err := d.sleep(ctx, wait); err != nil {
				return res.Rollout, err
			}
		}
	}
}

func (d *Driver) lastRollout(ctx context.Context, service string) (ledger.Rollout, error) {
	rs, err := d.store.ListRollouts(ctx, service, 1)
	if err != nil {
		return ledger.Rollout{}, err
	}
	if len(rs) == 0 {
		return ledger.Rollout{}, ledger.ErrNotFound
	}
	return rs[0], nil
}

// Enqueue asks the driver of service's rollout to carry out a person's
// command (promote, abort, rollback, resume) at its next step.
func Enqueue(ctx context.Context, store ledger.Commands, service string, body []byte) (int64, error) {
	return store.EnqueueCommand(ctx, service, body)
}
