package loop

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// target is a runtime.Target that records what it is asked and reports
// what the test says.
type target struct {
	applied    []runtime.Desired
	applyErr   error
	seen       runtime.Observed
	observeErr error
}

func (t *target) Apply(_ context.Context, d runtime.Desired) error {
	t.applied = append(t.applied, d)
	return t.applyErr
}

func (t *target) Observe(context.Context, string) (runtime.Observed, error) {
	return t.seen, t.observeErr
}

func (t *target) Smoke(context.Context, string, string, rollout.SmokeStep) (runtime.SmokeResult, error) {
	return runtime.SmokeResult{Passed: true}, nil
}

func (t *target) Logs(context.Context, string, string, int) ([]string, error) { return nil, nil }

// store keeps what is saved, or fails as told.
type store struct {
	saved []State
	turns []Decided
	err   error
}

func (s *store) Save(_ context.Context, st State, d Decided) error {
	if s.err != nil {
		return s.err
	}
	s.saved, s.turns = append(s.saved, st), append(s.turns, d)
	return nil
}

// executor records the actions it is handed.
type executor struct {
	carried [][]rollout.Action
	requeue time.Duration
}

func (x *executor) Carry(_ context.Context, _ State, actions []rollout.Action) time.Duration {
	x.carried = append(x.carried, actions)
	return x.requeue
}

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func weight(w int) *int { return &w }

// canaryOver is a rollout of app-2 over app-1: 50 % then an indefinite pause.
func canaryOver() State {
	spec := rollout.Spec{Steps: []rollout.Step{{SetWeight: weight(50)}, {Pause: &rollout.PauseStep{}}}}.Defaults()
	st := State{Spec: spec, Stable: &runtime.Release{ID: "app-1"}, Canary: runtime.Release{ID: "app-2"}, Replicas: 2,
		Status: rollout.NewStatus("app-1", "app-2")}
	st.Initial = st.Status
	return st
}

// ready is a runtime that serves what st asks with every replica ready.
func ready(st State) runtime.Observed {
	d := st.Desired("app")
	o := runtime.Observed{Service: "app", Converged: true, Releases: map[string]runtime.ReleaseState{}}
	if d.Stable != nil {
		o.Stable = d.Stable.ID
		o.Releases[d.Stable.ID] = runtime.ReleaseState{Desired: d.Replicas, Ready: d.Replicas}
	}
	if d.Canary != nil {
		o.Canary, o.CanaryWeight = d.Canary.ID, d.CanaryWeight
		o.Releases[d.Canary.ID] = runtime.ReleaseState{Desired: d.CanaryReplicas, Ready: d.CanaryReplicas}
	}
	return o
}

func newLoop(tg *target, s *store, x *executor) Loop {
	now := t0
	// Every turn is a minute after the last: timed steps and the
	// scale-down delay pass.
	tick := func() time.Time { now = now.Add(time.Minute); return now }
	return Loop{Service: "app", Target: tg, Store: s, Exec: x, Now: tick}
}

// advance takes turns on a ready runtime from st until stop says so, and
// returns the state before the stopping turn and after it.
func advance(t *testing.T, st State, stop func(before, after State) bool) (State, State) {
	t.Helper()
	l := newLoop(nil, &store{}, &executor{})
	for i := 0; i < 50; i++ {
		l.Target = &target{seen: ready(st)}
		res, err := l.Step(context.Background(), Turn{State: st})
		if err != nil {
			t.Fatal(err)
		}
		if stop(st, res.State) {
			return st, res.State
		}
		st = res.State
	}
	t.Fatalf("50 turns and no stop: %s", st.Status.Phase)
	return st, st
}

// pausedAt50 is the rollout paused after its 50 % step.
func pausedAt50(t *testing.T) State {
	_, st := advance(t, canaryOver(), func(_, after State) bool { return after.Status.Phase == rollout.Paused })
	return st
}

// reshaping is a rollout whose next turn changes the runtime state it asks for.
func reshaping(t *testing.T) State {
	st, _ := advance(t, canaryOver(), func(before, after State) bool {
		return !reflect.DeepEqual(before.Desired("app"), after.Desired("app"))
	})
	return st
}

func TestStepAppliesAsTheTurnAsks(t *testing.T) {
	paused, fresh, moving := pausedAt50(t), canaryOver(), reshaping(t)
	for _, tc := range []struct {
		name    string
		state   State
		reapply bool
		// want: the Desired states applied, in order, as functions of
		// the persisted state before and after the turn.
		want func(before, after State) []runtime.Desired
	}{
		{"a turn without reapply applies once, after deciding", fresh, false,
			func(_, after State) []runtime.Desired { return []runtime.Desired{after.Desired("app")} }},
		{"reapply re-issues the persisted state, then the decision that changed it", moving, true,
			func(before, after State) []runtime.Desired {
				return []runtime.Desired{before.Desired("app"), after.Desired("app")}
			}},
		{"reapply with nothing reshaped applies once", fresh, true,
			func(before, _ State) []runtime.Desired { return []runtime.Desired{before.Desired("app")} }},
		{"reapply on a paused rollout applies once", paused, true,
			func(before, _ State) []runtime.Desired { return []runtime.Desired{before.Desired("app")} }},
		{"a paused rollout without reapply still asserts its state", paused, false,
			func(_, after State) []runtime.Desired { return []runtime.Desired{after.Desired("app")} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, s, x := &target{seen: ready(tc.state)}, &store{}, &executor{}
			res, err := newLoop(tg, s, x).Step(context.Background(), Turn{State: tc.state, Reapply: tc.reapply})
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.want(tc.state, res.State); !reflect.DeepEqual(tg.applied, want) {
				t.Fatalf("applied %d states:\n%+v\nwant %d:\n%+v", len(tg.applied), tg.applied, len(want), want)
			}
			if len(s.saved) != 1 || !reflect.DeepEqual(s.saved[0], res.State) {
				t.Fatalf("saved %+v, want the turn's state once", s.saved)
			}
		})
	}
}

func TestStepPersistsBeforeActing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		saveErr  error
		wantErr  bool
		conflict bool
	}{
		{"conflict: someone else saved first", fmt.Errorf("save: %w", ErrConflict), false, true},
		{"store failure", errors.New("disk full"), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := canaryOver()
			tg, s, x := &target{seen: ready(st)}, &store{err: tc.saveErr}, &executor{}
			smoke := &rollout.SmokeResult{Step: 3, Passed: true}
			res, err := newLoop(tg, s, x).Step(context.Background(), Turn{State: st, Pending: rollout.Observations{Smoke: smoke}})
			if (err != nil) != tc.wantErr || res.Conflict != tc.conflict {
				t.Fatalf("err %v conflict %v, want error %v conflict %v", err, res.Conflict, tc.wantErr, tc.conflict)
			}
			if len(tg.applied) != 0 || len(x.carried) != 0 {
				t.Fatalf("acted on an unsaved decision: applied %d, carried %d", len(tg.applied), len(x.carried))
			}
			if !reflect.DeepEqual(res.State, st) {
				t.Fatalf("result state moved on without a save: %+v", res.State.Status)
			}
			if tc.conflict && res.Decided.Observations.Smoke != smoke {
				t.Fatal("a conflicting turn lost the pending smoke result")
			}
		})
	}
}

func TestStepObservations(t *testing.T) {
	for _, tc := range []struct {
		name       string
		target     func(State) *target
		turn       func(State) Turn
		wantFlight bool
		wantManual bool
	}{
		{"observed and converged", func(st State) *target { return &target{seen: ready(st)} },
			func(st State) Turn { return Turn{State: st} }, false, false},
		{"observe fails: in flight", func(State) *target { return &target{observeErr: errors.New("gone")} },
			func(st State) Turn { return Turn{State: st} }, true, false},
		{"reapply fails: in flight", func(st State) *target { return &target{seen: ready(st), applyErr: errors.New("refused")} },
			func(st State) Turn { return Turn{State: st, Reapply: true} }, true, false},
		{"an abort marks the rollout manual", func(st State) *target { return &target{seen: ready(st)} },
			func(st State) Turn {
				return Turn{State: st, Pending: rollout.Observations{Commands: []rollout.Command{{Kind: rollout.CommandAbort}}}}
			}, false, true},
		{"an abort during an automatic rollback leaves it automatic", func(st State) *target { return &target{seen: ready(st)} },
			func(st State) Turn {
				st.Status.Phase, st.Status.RollbackTo = rollout.RollingBack, rollout.RolledBack
				return Turn{State: st, Pending: rollout.Observations{Commands: []rollout.Command{{Kind: rollout.CommandAbort}}}}
			}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := canaryOver()
			st.KnownGood = true
			s := &store{}
			turn := tc.turn(st)
			_, err := newLoop(tc.target(st), s, &executor{}).Step(context.Background(), turn)
			if err != nil {
				t.Fatal(err)
			}
			obs := s.turns[0].Observations
			if obs.InFlight != tc.wantFlight || !obs.CanaryKnownGood {
				t.Fatalf("engine saw InFlight %v CanaryKnownGood %v, want %v true", obs.InFlight, obs.CanaryKnownGood, tc.wantFlight)
			}
			if s.saved[0].Manual != tc.wantManual {
				t.Fatalf("Manual %v, want %v", s.saved[0].Manual, tc.wantManual)
			}
			if !s.turns[0].Now.After(t0) || !reflect.DeepEqual(s.turns[0].Prev, turn.State.Status) {
				t.Fatal("the turn's record does not say what it decided from")
			}
		})
	}
}

func TestStepHandsActionsToTheExecutor(t *testing.T) {
	st := canaryOver()
	x := &executor{requeue: 7 * time.Second}
	s := &store{}
	res, err := newLoop(&target{seen: ready(st)}, s, x).Step(context.Background(), Turn{State: st})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.carried) != 1 || !reflect.DeepEqual(x.carried[0], res.Actions) || len(res.Actions) == 0 {
		t.Fatalf("executor got %+v, turn decided %+v", x.carried, res.Actions)
	}
	if res.Requeue != 7*time.Second {
		t.Fatalf("requeue %v, want the executor's 7s", res.Requeue)
	}
	if got := s.turns[0].Decisions; !reflect.DeepEqual(got, Added(st.Status, res.State.Status)) || len(got) == 0 {
		t.Fatalf("decisions recorded %+v", got)
	}
}

func TestPromotedRolloutIsDone(t *testing.T) {
	st := pausedAt50(t)
	l := newLoop(&target{seen: ready(st)}, &store{}, &executor{})
	res, err := l.Step(context.Background(),
		Turn{State: st, Pending: rollout.Observations{Commands: []rollout.Command{{Kind: rollout.CommandPromote}}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50 && !res.Done; i++ {
		st = res.State
		l.Target = &target{seen: ready(st)}
		if res, err = l.Step(context.Background(), Turn{State: st}); err != nil {
			t.Fatal(err)
		}
	}
	if !res.Done || res.State.Status.Phase != rollout.Promoted || !res.State.Promoted || res.State.Manual {
		t.Fatalf("done %v phase %s promoted %v manual %v", res.Done, res.State.Status.Phase, res.State.Promoted, res.State.Manual)
	}
	if d := res.State.Desired("app"); d.Stable == nil || d.Stable.ID != "app-2" || d.Canary != nil {
		t.Fatalf("promoted rollout desires %+v", d)
	}
}
