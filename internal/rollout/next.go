package rollout

import (
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// PollInterval is how soon Next asks to be called again while it waits on the
// runtime, a provider or a person.
const PollInterval = 5 * time.Second

// Next decides what happens next. It is pure and deterministic: the same
// (spec, status, obs, now) always gives the same result, status is not
// modified, and nothing outside the return values changes. Call it with the
// last persisted Status, observations gathered after carrying out the
// previous actions, and the current time; carry out the actions, then
// persist the returned Status. A terminal Status returns itself and no actions.
func Next(spec Spec, status Status, obs Observations, now time.Time) (Status, []Action) {
	e := &engine{spec: spec.Defaults(), st: status.clone(), obs: obs, now: now}
	e.run()
	return e.st, e.result()
}

// engine is the state of one Next call.
type engine struct {
	spec    Spec
	st      Status
	obs     Observations
	now     time.Time
	actions []Action
	requeue time.Duration // 0: none requested yet
}

func (e *engine) run() {
	if e.st.Terminal || e.st.Phase.IsTerminal() {
		e.st.Terminal = true
		return
	}
	if err := e.spec.Validate(); err != nil {
		e.fail(fmt.Sprintf("invalid rollout spec: %v", err))
		return
	}
	if e.st.Phase == "" || e.st.Phase == Pending {
		e.start()
	}
	if !e.st.Phase.inStep() && e.st.Phase != Promoting && e.st.Phase != RollingBack {
		e.fail(fmt.Sprintf("status has unknown phase %q", e.st.Phase))
		return
	}
	if e.st.Phase.inStep() && e.st.StepIndex >= len(e.spec.Steps) || e.st.StepIndex < 0 {
		e.fail(fmt.Sprintf("status step %d does not exist in a spec of %d steps (was the spec changed mid-rollout?)", e.st.StepIndex, len(e.spec.Steps)))
		return
	}
	phase := e.st.Phase
	promote := e.commands()
	if e.st.Phase != phase {
		return // a command began a rollback
	}
	switch e.st.Phase {
	case RollingBack:
		e.rollingBack()
		return
	case Promoting:
		e.promoting()
		return
	}
	if promote != nil {
		// Results that are already in are judged first: a failed check or
		// smoke test beats a person's promote.
		if e.consumeResults() {
			return
		}
		e.beginPromotion(true, fmt.Sprintf("promoted by %s%s", who(promote.By), because(promote.Reason)))
		return
	}
	if e.obs.InFlight {
		e.wait("a previous action to finish")
		return
	}
	e.runSteps()
}

// start moves a Pending rollout to its first step.
func (e *engine) start() {
	e.st.Phase = Progressing
	e.st.StartedAt = e.now
	e.st.FastTrack = e.spec.FastRollback && e.obs.CanaryKnownGood
	reason := fmt.Sprintf("rolling out %s (stable: %s) in %d steps", e.st.CanaryRelease, orNone(e.st.StableRelease), len(e.spec.Steps))
	if e.st.FastTrack {
		reason += "; release already passed analysis, skipping analysis and timed pauses"
	}
	e.decide("start", reason, nil)
	e.do(Notify{Event: EventStarted, Reason: reason})
	e.enterStep(0)
}

// commands applies abort and rollback requests and returns a promote request
// (nil if none). Once promoting or rolling back, the rollout's end is set:
// a command that asks for the other end is logged as a decision that says
// so, never dropped unseen; one that asks for the same end again (a
// re-delivery) changes nothing.
func (e *engine) commands() *Command {
	if e.st.Phase == Promoting || e.st.Phase == RollingBack {
		for _, c := range e.obs.Commands {
			backward := c.Kind == CommandAbort || c.Kind == CommandRollback
			if c.Kind == CommandResume || backward == (e.st.Phase == RollingBack) {
				continue
			}
			e.decide("ignore-"+string(c.Kind), fmt.Sprintf("%s asked by %s%s came too late: the rollout is already %s%s",
				c.Kind, who(c.By), because(c.Reason), phaseWords[e.st.Phase], afterwards(c.Kind, e.st.Phase)), nil)
		}
		return nil
	}
	var promote *Command
	for _, kind := range []CommandKind{CommandAbort, CommandRollback, CommandPromote} {
		for i := range e.obs.Commands {
			c := e.obs.Commands[i]
			if c.Kind != kind {
				continue
			}
			switch kind {
			case CommandAbort:
				e.beginRollback(Aborted, fmt.Sprintf("aborted by %s%s", who(c.By), because(c.Reason)), nil)
				return nil
			case CommandRollback:
				e.beginRollback(RolledBack, fmt.Sprintf("rollback requested by %s%s", who(c.By), because(c.Reason)), nil)
				return nil
			case CommandPromote:
				if promote == nil {
					promote = &c
				}
			}
		}
	}
	return promote
}

// resumed reports whether a Resume command names the current step.
func (e *engine) resumed() (Command, bool) {
	for _, c := range e.obs.Commands {
		if c.Kind == CommandResume && c.Step == e.st.StepIndex {
			return c, true
		}
	}
	return Command{}, false
}

// wait records that the rollout waits on the world. Once it has waited
// longer than the progress deadline it begins a rollback and returns false.
func (e *engine) wait(what string) bool {
	if e.st.WaitingSince.IsZero() {
		e.st.WaitingSince = e.now
	}
	e.st.WaitingFor = what
	if waited := e.now.Sub(e.st.WaitingSince); waited > e.spec.ProgressDeadline.D() {
		e.beginRollback(RolledBack, fmt.Sprintf("progress deadline %s exceeded: waited %s for %s", e.spec.ProgressDeadline, waited, what), nil)
		return false
	}
	e.after(PollInterval)
	return true
}

func (e *engine) stopWaiting() { e.st.WaitingSince, e.st.WaitingFor = time.Time{}, "" }

// fail ends the rollout in Failed. Traffic goes back to stable as a
// precaution; the rollout cannot tell whether the canary received any.
func (e *engine) fail(reason string) {
	e.do(Rollback{Stable: e.st.StableRelease, Canary: e.st.CanaryRelease})
	e.st.Phase, e.st.Terminal = Failed, true
	e.decide("fail", reason, nil)
	e.do(Notify{Event: EventFailed, Reason: reason})
}

func (e *engine) do(a Action) { e.actions = append(e.actions, a) }

// after asks to be called again within d.
func (e *engine) after(d time.Duration) {
	if d <= 0 {
		d = time.Nanosecond
	}
	if e.requeue == 0 || d < e.requeue {
		e.requeue = d
	}
}

func (e *engine) decide(action, reason string, verdicts []analysis.Verdict) {
	e.st.record(Decision{Time: e.now, Step: e.st.StepIndex, Phase: e.st.Phase, Action: action, Reason: reason, Verdicts: verdicts})
}

// result is the action list with exactly one RequeueAfter last, unless the
// rollout is over.
func (e *engine) result() []Action {
	if !e.st.Terminal {
		if e.requeue == 0 {
			e.requeue = PollInterval
		}
		e.do(RequeueAfter{After: e.requeue})
	}
	return e.actions
}

// phaseWords are the final phases in a sentence.
var phaseWords = map[Phase]string{Promoting: "promoting", RollingBack: "rolling back"}

// afterwards says what a person can do instead of a command that came too late.
func afterwards(kind CommandKind, phase Phase) string {
	if phase == Promoting && (kind == CommandAbort || kind == CommandRollback) {
		return " (once it is promoted, `pinwheel rollback` goes back to the previous release)"
	}
	return ""
}

func who(by string) string {
	if by == "" {
		return "an operator"
	}
	return by
}

func because(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
