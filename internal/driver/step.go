package driver

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
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

// Step observes, decides, persists and acts once for service's active
// rollout. Persisting comes before acting: a driver killed in between finds
// the new status and re-issues the same idempotent actions. A conflicting
// save (another driver moved first) acts on nothing and returns the stored
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
	// Keep the runtime converging on what was last persisted (a restarted
	// driver re-applies it; Apply is idempotent).
	applyErr := d.target.Apply(ctx, st.Desired(service))
	obs, err := d.observe(ctx, service, ro, &st)
	if err != nil {
		return StepResult{Rollout: ro, Status: st.Status}, err
	}
	if applyErr != nil {
		// The runtime refused or failed: the change is still in flight,
		// and the engine's progress deadline decides how long to wait.
		d.log.Warn("apply failed", "service", service, "err", applyErr)
		obs.InFlight = true
	}
	now := d.now()
	prev := st.Status
	next, actions := rollout.Next(st.Spec, st.Status, obs, now)
	if ro.Input, err = json.Marshal(input{Now: now, Observations: obs}); err != nil {
		return StepResult{}, err
	}
	st.Status = next
	st.Fold(actions)
	if next.Phase.IsTerminal() {
		ro.FinishedAt = now
		ro.Outcome = Outcome(next.Phase)
	}
	raw, err := st.encode()
	if err != nil {
		return StepResult{}, err
	}
	ro.Phase, ro.Status = string(next.Phase), raw
	decisions := newDecisions(prev, next)
	saved, err := d.store.SaveRollout(ctx, ro, decisions...)
	if errors.Is(err, ledger.ErrConflict) {
		d.log.Warn("rollout changed under us; deciding again", "rollout", ro.ID)
		delete(d.pending, ro.ID)
		return StepResult{Rollout: ro, Status: prev}, nil
	}
	if err != nil {
		return StepResult{}, err
	}
	delete(d.pending, ro.ID) // consumed by this Next
	if d.onDec != nil {
		for _, dec := range decisions {
			d.onDec(dec)
		}
	}
	res := StepResult{Rollout: saved, Status: next, Actions: actions, Done: next.Phase.IsTerminal()}
	if err := d.target.Apply(ctx, st.Desired(service)); err != nil {
		d.log.Warn("apply failed", "service", service, "err", err)
	}
	res.Requeue = d.carryOut(ctx, saved, st, actions)
	if res.Done {
		d.finish(ctx, saved, st)
	}
	return res, nil
}

// observe gathers what Next needs: the runtime's state, people's commands,
// and results of the previous call's RunSmoke / RunAnalysis actions.
func (d *Driver) observe(ctx context.Context, service string, ro ledger.Rollout, st *State) (rollout.Observations, error) {
	var obs rollout.Observations
	if p := d.pending[ro.ID]; p != nil {
		obs = *p
	}
	seen, err := d.target.Observe(ctx, service)
	if err != nil {
		// The runtime could not be observed: report nothing ready and
		// an action in flight; the engine's progress deadline bounds this.
		d.log.Warn("observe failed", "service", service, "err", err)
		obs.InFlight = true
	} else {
		st.Observe(&obs, seen)
	}
	obs.CanaryKnownGood = st.KnownGood
	cmds, err := d.store.TakeCommands(ctx, service, ro.ID)
	if err != nil {
		return obs, err
	}
	for _, c := range cmds {
		var cmd rollout.Command
		if err := json.Unmarshal(c.Body, &cmd); err != nil {
			d.log.Warn("ignoring unreadable command", "id", c.ID, "err", err)
			continue
		}
		if cmd.Kind == rollout.CommandAbort || cmd.Kind == rollout.CommandRollback {
			st.Manual = true
		}
		obs.Commands = append(obs.Commands, cmd)
	}
	return obs, nil
}

// newDecisions returns the decisions next logged that prev had not.
func newDecisions(prev, next rollout.Status) []ledger.Decision {
	added := (len(next.Decisions) + next.DecisionsDropped) - (len(prev.Decisions) + prev.DecisionsDropped)
	if added <= 0 {
		return nil
	}
	added = min(added, len(next.Decisions))
	var out []ledger.Decision
	for _, dec := range next.Decisions[len(next.Decisions)-added:] {
		var evidence json.RawMessage
		if len(dec.Verdicts) > 0 {
			evidence, _ = json.Marshal(dec.Verdicts)
		}
		out = append(out, ledger.Decision{At: dec.Time, Step: dec.Step, Phase: string(dec.Phase), Action: dec.Action, Reason: dec.Reason, Evidence: evidence})
	}
	return out
}

// Outcome names how a rollout that ended in phase p ended, as the ledger
// records it: promoted, rolled-back, aborted or failed.
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

// Observe fills obs with what the runtime reports for st's releases:
// readiness, the traffic weight in effect, the serving stable release and
// whether the runtime still converges.
func (st *State) Observe(obs *rollout.Observations, seen runtime.Observed) {
	obs.Canary = seen.Readiness(st.Canary.ID)
	if st.Stable != nil {
		obs.Stable = seen.Readiness(st.Stable.ID)
	}
	switch {
	case st.Stable == nil && (seen.Canary == st.Canary.ID || seen.Stable == st.Canary.ID):
		// A first deploy has nothing to split with: the runtime sends
		// the canary everything, which is every weight the engine asks.
		obs.AppliedWeight = st.Status.CanaryWeight
	case seen.Canary == st.Canary.ID:
		obs.AppliedWeight = seen.CanaryWeight
	}
	obs.StableRelease = seen.Stable
	obs.InFlight = !seen.Converged
	obs.CanaryKnownGood = st.KnownGood
}

// NewDecisions returns the decisions next logged that prev had not, as
// ledger records.
func NewDecisions(prev, next rollout.Status) []ledger.Decision { return newDecisions(prev, next) }
