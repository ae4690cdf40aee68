package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Command queues r.Kind in the ledger for the driver of the service's
// active rollout; no rollout in progress is No.
func (l *local) Command(ctx context.Context, r CommandRequest) (Report, error) {
	sl, ro, active, err := l.openActive(ctx, r.Arg)
	if err != nil {
		return Report{}, err
	}
	defer sl.store.Close()
	store, service := sl.store, sl.service
	if !active {
		return Report{}, no("%s has no rollout in progress", service)
	}
	c := rollout.Command{Kind: r.Kind, By: os.Getenv("USER"), Reason: r.Reason}
	if r.Kind == rollout.CommandResume {
		var p struct {
			Status rollout.Status `json:"status"`
		}
		_ = json.Unmarshal(ro.Status, &p)
		c.Step = p.Status.StepIndex
	}
	id, err := enqueue(ctx, store, service, c)
	if err != nil {
		return Report{}, err
	}
	text := fmt.Sprintf("queued %s for rollout #%d of %s (%s → %s, %s) as command %d;\n", r.Kind, ro.ID, service,
		orNone(ro.FromRelease), ro.ReleaseID, ro.Phase, id) +
		"the pinwheel deploy process driving it takes it at its next step (see pinwheel status)\n"
	return Report{Text: text, JSON: queued(id, ro, r.Kind)}, nil
}

// openActive opens the service's ledger for queueing commands and reads
// its active rollout (active false when there is none). Close sl.store.
func (l *local) openActive(ctx context.Context, arg string) (sl serviceLedger, ro ledger.Rollout, active bool, err error) {
	if sl, err = l.openService(ctx, arg, ledger.Existing()); err != nil {
		return sl, ro, false, err
	}
	ro, err = sl.store.ActiveRollout(ctx, sl.service)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return sl, ro, false, nil
	case err != nil:
		sl.store.Close()
		return sl, ro, false, err
	}
	return sl, ro, true, nil
}

func enqueue(ctx context.Context, store ledger.Store, service string, c rollout.Command) (int64, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	return driver.Enqueue(ctx, store, service, body)
}

// queued is the JSON of a command queued in the ledger.
func queued(id int64, ro ledger.Rollout, kind rollout.CommandKind) map[string]any {
	return map[string]any{"command": id, "rollout": ro.ID, "kind": kind}
}

// Rollback queues a rollback for the active rollout's driver; between
// rollouts it rolls out r.To, else the newest known-good release other
// than the live one, on the fast path (and follows it like Deploy).
func (l *local) Rollback(ctx context.Context, r RollbackRequest) (Report, error) {
	sl, ro, active, err := l.openActive(ctx, r.Arg)
	if err != nil {
		return Report{}, err
	}
	defer sl.store.Close()
	store, service := sl.store, sl.service
	if !active {
		return l.rollbackBetweenRollouts(ctx, store, sl.dir, service, r.To)
	}
	if r.To != "" {
		return Report{}, usage("rollout #%d of %s is in progress: rollback returns to its stable release %s; --to applies only between rollouts", ro.ID, service, orNone(ro.FromRelease))
	}
	id, err := enqueue(ctx, store, service, rollout.Command{Kind: rollout.CommandRollback, By: os.Getenv("USER")})
	if err != nil {
		return Report{}, err
	}
	text := fmt.Sprintf("queued rollback for rollout #%d of %s as command %d: its driver sends all traffic to %s at its next step\n",
		ro.ID, service, id, orNone(ro.FromRelease))
	return Report{Text: text, JSON: queued(id, ro, rollout.CommandRollback)}, nil
}

func (l *local) rollbackBetweenRollouts(ctx context.Context, store ledger.Store, dir, service, to string) (Report, error) {
	rel, err := rollbackTo(ctx, store, service, to)
	if err != nil {
		return Report{}, err
	}
	proj, err := deploy.LoadProject(dir)
	if err != nil {
		return Report{}, err
	}
	if proj.Config.Service != service {
		return Report{}, usage("%s is the project of service %q, not %q: run rollback from %s's project directory", dir, proj.Config.Service, service, service)
	}
	runner, closeRunner, err := l.runner(ctx, store, proj)
	if err != nil {
		return Report{}, err
	}
	defer closeRunner()
	good := "not known-good: analysis runs"
	if rel.KnownGood {
		good = "known-good: fast path"
	}
	fmt.Fprintf(l.o.Progress, "rolling back %s to %s (%s)\n", service, rel.ID, good)
	ro, _, err := runner.Start(ctx, rel, deploy.StartOptions{FastRollback: true})
	if err != nil {
		return Report{}, err
	}
	fmt.Fprintf(l.o.Progress, "rollout #%d: %s → %s\n", ro.ID, orNone(ro.FromRelease), rel.ID)
	final, err := runner.Drive(ctx, service)
	if err != nil {
		return Report{}, err
	}
	return finished(ctx, store, final)
}

// rollbackTo is the release a rollback between rollouts goes back to: to,
// else the newest known-good release other than the live one.
func rollbackTo(ctx context.Context, store ledger.Store, service, to string) (ledger.Release, error) {
	var (
		rel ledger.Release
		err error
	)
	live, liveErr := store.GetRelease(ctx, service, "current")
	if to != "" {
		rel, err = store.GetRelease(ctx, service, to)
		if errors.Is(err, ledger.ErrNotFound) {
			return rel, usage("no release %q of %s in the ledger (see pinwheel history)", to, service)
		}
	} else {
		rel, err = store.LastKnownGood(ctx, service, live.ID)
		if errors.Is(err, ledger.ErrNotFound) {
			return rel, no("%s has no known-good release other than the live one to go back to", service)
		}
	}
	if err != nil {
		return rel, err
	}
	if liveErr == nil && live.ID == rel.ID {
		return rel, no("%s is already the live release of %s", rel.ID, service)
	}
	return rel, nil
}
