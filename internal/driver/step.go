package driver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// StepResult says what one Step did.
type StepResult struct {
	Rollout ledger.Rollout
	Status  rollout.Status
	Actions []rollout.Action
	// Requeue is when the engine wants to be asked again (0: soon).
	Requeue time.Duration
	// Done is true once the rollout reached a terminal phase.
	Done bool
}

// Step takes one turn of the loop for service's active rollout (see
// internal/loop): observe, decide, persist in the ledger, act. The local
// runtime may have forgotten what it was asked (a restarted `pinwheel up`),
// so every turn re-applies the persisted state first. A conflicting save
// (another driver moved first) acts on nothing and returns the stored
// rollout, to be decided again.
func (d *Driver) Step(ctx context.Context, service string) (StepResult, error) {
	ro, err := d.store.ActiveRollout(ctx, service)
	if err != nil {
		return StepResult{}, err
	}
	st, err := loadState(ro)
	if err != nil {
		return StepResult{}, err
	}
	pending := d.results.Take(ro.ID)
	if pending.Commands, err = d.commands(ctx, service, ro.ID); err != nil {
		d.results.GiveBack(ro.ID, pending)
		return StepResult{Rollout: ro, Status: st.Status}, err
	}
	store := &ledgerRollout{store: d.store, ro: ro}
	l := loop.Loop{Service: service, Target: d.target, Store: store, Exec: &syncExec{d: d, ro: ro},
		Now: d.now, Log: d.log}
	res, err := l.Step(ctx, loop.Turn{State: st, Pending: pending, Reapply: true})
	if err != nil {
		return StepResult{Rollout: ro, Status: st.Status}, err
	}
	if res.Conflict {
		d.log.Warn("rollout changed under us; deciding again", "rollout", ro.ID)
		d.results.GiveBack(ro.ID, res.Decided.Observations)
		return StepResult{Rollout: ro, Status: st.Status}, nil
	}
	if d.onDec != nil {
		for _, dec := range store.saved {
			d.onDec(dec)
		}
	}
	out := StepResult{Rollout: store.ro, Status: res.State.Status, Actions: res.Actions, Requeue: res.Requeue, Done: res.Done}
	if res.Done {
		d.results.Forget(ro.ID)
		d.finish(ctx, store.ro, res.State)
	}
	return out, nil
}

// commands takes people's commands queued for the rollout.
func (d *Driver) commands(ctx context.Context, service string, rolloutID int64) ([]rollout.Command, error) {
	cmds, err := d.store.TakeCommands(ctx, service, rolloutID)
	if err != nil {
		return nil, err
	}
	var out []rollout.Command
	for _, c := range cmds {
		var cmd rollout.Command
		if err := json.Unmarshal(c.Body, &cmd); err != nil {
			d.log.Warn("ignoring unreadable command", "id", c.ID, "err", err)
			continue
		}
		out = append(out, cmd)
	}
	return out, nil
}

// ledgerRollout is the loop's Store for a rollout kept in the ledger: the
// state, the engine input and the new decisions in one transaction, at the
// revision the turn loaded.
type ledgerRollout struct {
	store ledger.Store
	ro    ledger.Rollout
	saved []ledger.Decision
}

func (s *ledgerRollout) Save(ctx context.Context, st loop.State, turn loop.Decided) error {
	ro := s.ro
	var err error
	if ro.Input, err = json.Marshal(input{Now: turn.Now, Observations: turn.Observations}); err != nil {
		return err
	}
	if st.Status.Phase.IsTerminal() {
		ro.FinishedAt = turn.Now
		ro.Outcome = loop.Outcome(st.Status.Phase)
	}
	if ro.Status, err = encodeState(st); err != nil {
		return err
	}
	ro.Phase = string(st.Status.Phase)
	decisions := ledgerDecisions(turn.Decisions)
	saved, err := s.store.SaveRollout(ctx, ro, decisions...)
	if errors.Is(err, ledger.ErrConflict) {
		return fmt.Errorf("%w: %w", loop.ErrConflict, err)
	}
	if err != nil {
		return err
	}
	s.ro, s.saved = saved, decisions
	return nil
}

// ledgerDecisions turns the engine's decisions into ledger records, the
// verdicts as evidence.
func ledgerDecisions(ds []rollout.Decision) []ledger.Decision {
	var out []ledger.Decision
	for _, dec := range ds {
		var evidence json.RawMessage
		if len(dec.Verdicts) > 0 {
			evidence, _ = json.Marshal(dec.Verdicts)
		}
		out = append(out, ledger.Decision{At: dec.Time, Step: dec.Step, Phase: string(dec.Phase), Action: dec.Action, Reason: dec.Reason, Evidence: evidence})
	}
	return out
}

// engineDecisions turns ledger records back into the engine's decisions
// (the complete record: a Status keeps only the newest).
func engineDecisions(ds []ledger.Decision) []rollout.Decision {
	out := make([]rollout.Decision, 0, len(ds))
	for _, d := range ds {
		dec := rollout.Decision{Time: d.At, Step: d.Step, Phase: rollout.Phase(d.Phase), Action: d.Action, Reason: d.Reason}
		if len(d.Evidence) > 0 {
			_ = json.Unmarshal(d.Evidence, &dec.Verdicts) // evidence this version cannot read is left out
		}
		out = append(out, dec)
	}
	return out
}

// Outcome names how a rollout that ended in phase p ended, as the ledger
// records it: promoted, rolled-back, aborted or failed.
func Outcome(p rollout.Phase) string { return loop.Outcome(p) }
