package loop

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"time"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// ErrConflict is what a Store returns when the rollout was saved by someone
// else since it was loaded: the turn acted on nothing; load and decide again.
var ErrConflict = errors.New("rollout changed since it was loaded")

// Store persists a rollout's State.
type Store interface {
	// Save persists st, decided in turn, or returns an error wrapping
	// ErrConflict when another writer saved the rollout first.
	Save(ctx context.Context, st State, turn Decided) error
}

// Decided is what one turn decided from and decided, for the Store to
// record beside the State (replays feed Now and Observations back to the
// engine).
type Decided struct {
	Now          time.Time
	Observations rollout.Observations
	Prev         rollout.Status
	Decisions    []rollout.Decision
}

// Executor carries out the actions that are not runtime state: smoke
// tests, measurement rounds and notifications. Results arrive in a later
// Turn's Pending. It returns how long the engine wants to wait (0: ask
// again soon, e.g. because results are already in).
type Executor interface {
	Carry(ctx context.Context, st State, actions []rollout.Action) time.Duration
}

// Loop runs turns of one service's rollout against a target.
type Loop struct {
	Service string
	Target  runtime.Target
	Store   Store
	Exec    Executor
	Now     func() time.Time
	Log     *slog.Logger
	// Routine, when set, tells apply errors that are routine (retried by
	// the next turn anyway) from failures; routine ones log at debug level.
	Routine func(error) bool
}

// Turn is one turn's input.
type Turn struct {
	// State is the rollout as last persisted.
	State State
	// Pending are the results of earlier actions and people's commands.
	Pending rollout.Observations
	// Reapply asks the target for the persisted runtime state before
	// observing: on the first turn a process takes (its predecessor may
	// have died between persisting and acting), and on every turn where
	// the runtime may forget what it was asked (the local runtime). After
	// deciding, a turn applies again only if the decision changed the
	// desired state; a turn without Reapply always applies after deciding.
	Reapply bool
}

// Result says what a turn did.
type Result struct {
	// State is the state persisted (the turn's input state on a conflict).
	State State
	// Decided is what the turn decided from, and the decisions it added.
	Decided Decided
	Actions []rollout.Action
	// Requeue is when the engine wants to be asked again (0: soon).
	Requeue time.Duration
	// Done is true once the rollout reached a terminal phase.
	Done bool
	// Conflict is true when another writer saved first: nothing was done,
	// and Decided.Observations still holds results a later turn needs.
	Conflict bool
}

// Step observes, decides, persists and acts once.
func (l Loop) Step(ctx context.Context, t Turn) (Result, error) {
	st := t.State
	before := st.Desired(l.Service)
	var applyErr error
	if t.Reapply {
		applyErr = l.Target.Apply(ctx, before)
	}
	obs := t.Pending
	if seen, err := l.Target.Observe(ctx, l.Service); err != nil {
		// Nothing ready, an action in flight: the engine's progress
		// deadline bounds how long this may last.
		l.log().Warn("observe failed", "service", l.Service, "err", err)
		obs.InFlight = true
	} else {
		st.Observe(&obs, seen)
	}
	st.facts(&obs)
	if applyErr != nil {
		// The runtime refused or failed: the change is still in flight.
		l.applyFailed(applyErr)
		obs.InFlight = true
	}
	// A person's abort or rollback is not an incident to report; once the
	// rollout is promoting or rolling back on its own, the engine only logs
	// it, and the rollback stays automatic.
	if p := st.Status.Phase; p != rollout.Promoting && p != rollout.RollingBack {
		for _, c := range obs.Commands {
			if c.Kind == rollout.CommandAbort || c.Kind == rollout.CommandRollback {
				st.Manual = true
			}
		}
	}
	now := l.Now()
	prev := st.Status
	next, actions := rollout.Next(st.Spec, st.Status, obs, now)
	st.Status = next
	st.Fold(actions)
	decided := Decided{Now: now, Observations: obs, Prev: prev, Decisions: Added(prev, next)}
	if err := l.Store.Save(ctx, st, decided); err != nil {
		if errors.Is(err, ErrConflict) {
			return Result{State: t.State, Decided: decided, Conflict: true}, nil
		}
		return Result{State: t.State}, err
	}
	if after := st.Desired(l.Service); !t.Reapply || !reflect.DeepEqual(before, after) {
		if err := l.Target.Apply(ctx, after); err != nil {
			l.applyFailed(err)
		}
	}
	res := Result{State: st, Decided: decided, Actions: actions, Done: next.Phase.IsTerminal()}
	res.Requeue = l.Exec.Carry(ctx, st, actions)
	return res, nil
}

func (l Loop) log() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}

func (l Loop) applyFailed(err error) {
	if l.Routine != nil && l.Routine(err) {
		l.log().Debug("apply failed; retrying", "service", l.Service, "err", err)
		return
	}
	l.log().Warn("apply failed", "service", l.Service, "err", err)
}
