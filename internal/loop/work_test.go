package loop

import (
	"testing"

	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestResultsKeepTheNewestOfEachKind(t *testing.T) {
	var r Results[string]
	old, newer := &rollout.SmokeResult{Step: 1}, &rollout.SmokeResult{Step: 2}
	round := &rollout.AnalysisResult{Step: 3, Round: 1}
	r.Put("a", rollout.Observations{Smoke: old})
	r.Put("a", rollout.Observations{Analysis: round})
	r.Put("a", rollout.Observations{Smoke: newer})
	r.Put("b", rollout.Observations{}) // nothing to keep
	got := r.Take("a")
	if got.Smoke != newer || got.Analysis != round {
		t.Fatalf("took %+v, want the newer smoke result and the round", got)
	}
	if again := r.Take("a"); again.Smoke != nil || again.Analysis != nil {
		t.Fatal("Take did not forget")
	}
	// A turn that could not persist gives its results back, unless newer
	// ones arrived while it ran.
	r.GiveBack("a", got)
	if back := r.Take("a"); back.Smoke != newer {
		t.Fatal("given-back results lost")
	}
	r.Put("a", rollout.Observations{Smoke: newer})
	r.GiveBack("a", rollout.Observations{Smoke: old})
	if back := r.Take("a"); back.Smoke != newer {
		t.Fatal("an older given-back result replaced a newer one")
	}
	r.Put("a", rollout.Observations{Smoke: old})
	r.Forget("a")
	if back := r.Take("a"); back.Smoke != nil {
		t.Fatal("Forget kept results")
	}
}

func TestAddedCountsDroppedDecisions(t *testing.T) {
	d := func(step int) rollout.Decision { return rollout.Decision{Step: step} }
	for _, tc := range []struct {
		name       string
		prev, next rollout.Status
		want       []int
	}{
		{"two new", rollout.Status{Decisions: []rollout.Decision{d(0)}}, rollout.Status{Decisions: []rollout.Decision{d(0), d(1), d(2)}}, []int{1, 2}},
		{"none new", rollout.Status{Decisions: []rollout.Decision{d(0)}}, rollout.Status{Decisions: []rollout.Decision{d(0)}}, nil},
		// The status keeps the newest decisions only: one dropped, one added.
		{"window moved", rollout.Status{Decisions: []rollout.Decision{d(0), d(1)}},
			rollout.Status{Decisions: []rollout.Decision{d(1), d(2)}, DecisionsDropped: 1}, []int{2}},
		// More were added than the window holds: all that are left.
		{"more than kept", rollout.Status{Decisions: []rollout.Decision{d(0)}},
			rollout.Status{Decisions: []rollout.Decision{d(4), d(5)}, DecisionsDropped: 4}, []int{4, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, dec := range Added(tc.prev, tc.next) {
				got = append(got, dec.Step)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("added steps %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("added steps %v, want %v", got, tc.want)
				}
			}
		})
	}
}
