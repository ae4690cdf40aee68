package rollout

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"pinwheel.dev/pinwheel/internal/analysis"
)

const maxCalls = 20000

// runOutcome summarises one simulated rollout for the property checks.
type runOutcome struct {
	final          Status
	calls          int
	sawFail        bool // a round with a Fail verdict was judged
	manualPromote  bool
	promotedEvents int
}

// simulate drives Next against a random world until the rollout ends,
// checking per-call invariants on the way. crashes makes the driver die at
// random: it carries out some of a call's actions and loses the new status.
func simulate(t *testing.T, seed uint64, crashes bool) runOutcome {
	t.Helper()
	w := newWorld(seed)
	spec := randomSpec(w.rng)
	st := NewStatus("v1", "v2")
	var out runOutcome
	for out.calls = 0; out.calls < maxCalls; out.calls++ {
		obs := w.observe()
		if w.chance(0.02) {
			obs.CanaryKnownGood = true
		}
		input := deepCopy(t, st)
		got, actions := Next(spec, st, obs, w.now)
		if !reflect.DeepEqual(st, input) {
			t.Fatalf("seed %d call %d: Next modified its input status", seed, out.calls)
		}
		again, actions2 := Next(spec, deepCopy(t, st), obs, w.now)
		if !reflect.DeepEqual(got, again) || render(actions) != render(actions2) {
			t.Fatalf("seed %d call %d: Next is not deterministic", seed, out.calls)
		}
		checkCall(t, seed, out.calls, spec, st, obs, got, actions)

		crash := crashes && w.chance(0.05)
		if crash {
			w.apply(actions[:w.rng.IntN(len(actions)+1)])
		} else {
			w.apply(actions)
			st = deepCopy(t, got) // persisted as JSON
			for _, a := range actions {
				if n, ok := a.(Notify); ok && n.Event == EventPromoted {
					out.promotedEvents++
				}
			}
			for _, d := range newDecisions(input, got) {
				for _, v := range d.Verdicts {
					out.sawFail = out.sawFail || v.Outcome == analysis.Fail
				}
			}
			out.manualPromote = out.manualPromote || got.ManualPromotion
		}
		if st.Terminal {
			break
		}
		if len(actions) == 0 || !isRequeue(actions[len(actions)-1]) {
			w.apply([]Action{RequeueAfter{After: PollInterval}})
		}
		w.tick(st)
	}
	out.final = st
	return out
}

// checkCall asserts what must hold for every single call.
func checkCall(t *testing.T, seed uint64, call int, spec Spec, before Status, obs Observations, after Status, actions []Action) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Fatalf("seed %d call %d (%s step %d → %s step %d): %s\nactions:\n%s", seed, call, before.Phase, before.StepIndex, after.Phase, after.StepIndex, fmt.Sprintf(format, args...), render(actions))
	}
	if after.Terminal != after.Phase.IsTerminal() {
		fail("terminal flag %v disagrees with phase", after.Terminal)
	}
	if before.Terminal && (len(actions) != 0 || !reflect.DeepEqual(before, after)) {
		fail("a terminal rollout changed")
	}
	if after.Phase == Failed {
		fail("valid spec ended in Failed: %s", after.Message)
	}
	if !after.Terminal && (len(actions) == 0 || !isRequeue(actions[len(actions)-1])) {
		fail("a running rollout must end its actions with RequeueAfter")
	}
	if before.Phase == Promoting && after.Phase != Promoting && after.Phase != Promoted {
		fail("left Promoting for %s", after.Phase)
	}
	for _, a := range actions {
		switch a.(type) {
		case Promote:
			if after.Phase != Promoting {
				fail("Promote issued in phase %s", after.Phase)
			}
		case Rollback:
			if after.Phase != RollingBack && !after.Phase.IsTerminal() {
				fail("Rollback issued in phase %s", after.Phase)
			}
			if before.Phase == Promoting || after.Phase == Promoted {
				fail("Rollback issued after promotion began")
			}
		case MarkReleaseGood:
			if after.ManualPromotion {
				fail("a manually promoted release was marked good")
			}
		}
	}
	if before.PromotedAt.IsZero() && !after.PromotedAt.IsZero() && (obs.StableRelease != after.CanaryRelease || obs.InFlight) {
		fail("promotion recorded before the runtime served the canary as stable")
	}
	if !before.Terminal && (after.Phase == RolledBack || after.Phase == Aborted) && (obs.AppliedWeight != 0 || obs.Canary.Desired != 0) {
		fail("rollback recorded while the canary still had traffic or replicas")
	}
	// Leaving an analysis step forward (not by a person, not on the fast
	// track) requires that every check passed in the round judged just now.
	if before.Phase == Analyzing && !after.FastTrack && !after.ManualPromotion &&
		(after.StepIndex > before.StepIndex) && (after.Phase.inStep() || after.Phase == Promoting || after.Phase == Promoted) {
		a := spec.Steps[before.StepIndex].Analysis
		r := obs.Analysis
		if r == nil || r.Step != before.StepIndex || r.Round != before.Analysis.AwaitingRound {
			fail("left analysis step %d without a matching measurement round", before.StepIndex)
		}
		for _, name := range a.Checks {
			c := checkNamed(spec.Defaults(), name)
			m, ok := r.Measurements[name]
			if v := analysis.Evaluate(c, m); !ok || v.Outcome != analysis.Pass {
				fail("left analysis step with check %s = %s (%s)", name, v.Outcome, v.Reason)
			}
		}
	}
}

func TestPropertyEveryRolloutEndsSafely(t *testing.T) {
	seeds := 400
	if testing.Short() {
		seeds = 60
	}
	ends := map[Phase]int{}
	for seed := range uint64(seeds) {
		for _, crashes := range []bool{false, true} {
			out := simulate(t, seed, crashes)
			if !out.final.Terminal {
				t.Fatalf("seed %d crashes=%v: not terminal after %d calls: %s step %d (%s)", seed, crashes, out.calls, out.final.Phase, out.final.StepIndex, out.final.Message)
			}
			ends[out.final.Phase]++
			switch out.final.Phase {
			case Promoted, RolledBack, Aborted:
			default:
				t.Fatalf("seed %d: ended in %s", seed, out.final.Phase)
			}
			if out.final.Phase == Promoted && out.promotedEvents != 1 || out.final.Phase != Promoted && out.promotedEvents != 0 {
				t.Fatalf("seed %d: %d promoted events for final phase %s", seed, out.promotedEvents, out.final.Phase)
			}
			spec := randomSpec(newWorld(seed).rng)
			if out.sawFail && spec.Analysis.FailureLimit == 0 && out.final.Phase == Promoted && !out.manualPromote {
				t.Fatalf("seed %d: promoted after a failed check with failureLimit 0", seed)
			}
		}
	}
	// The generator must reach every ending, or the properties prove little.
	for _, p := range []Phase{Promoted, RolledBack, Aborted} {
		if ends[p] == 0 {
			t.Errorf("no simulated rollout ended in %s: %v", p, ends)
		}
	}
	t.Logf("endings: %v", ends)
}

func checkNamed(s Spec, name string) analysis.Check {
	for _, c := range s.Checks {
		if c.Name == name {
			return c
		}
	}
	return analysis.Check{}
}

func isRequeue(a Action) bool { _, ok := a.(RequeueAfter); return ok }

// newDecisions returns the decisions after added to before's log.
func newDecisions(before, after Status) []Decision {
	n := (after.DecisionsDropped + len(after.Decisions)) - (before.DecisionsDropped + len(before.Decisions))
	n = min(n, len(after.Decisions))
	return slices.Clone(after.Decisions[len(after.Decisions)-n:])
}

// deepCopy round-trips a status through JSON, as a driver persisting it would.
func deepCopy(t *testing.T, s Status) Status {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("status does not marshal: %v", err)
	}
	var out Status
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
