package v1alpha1

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestConditionsByPhase(t *testing.T) {
	// Columns: Progressing, Analyzing, Promoted, RolledBack, Degraded.
	tests := []struct {
		name string
		st   rollout.Status
		want string
	}{
		{"pending", rollout.Status{}, "TFFFF"},
		{"progressing", rollout.Status{Phase: rollout.Progressing}, "TFFFF"},
		{"analyzing", rollout.Status{Phase: rollout.Analyzing}, "TTFFF"},
		{"promoting", rollout.Status{Phase: rollout.Promoting}, "TFFFF"},
		{"promoted", rollout.Status{Phase: rollout.Promoted}, "FFTFF"},
		{"rolling_back_after_failure", rollout.Status{Phase: rollout.RollingBack, RollbackTo: rollout.RolledBack}, "TFFFT"},
		{"rolling_back_on_abort", rollout.Status{Phase: rollout.RollingBack, RollbackTo: rollout.Aborted}, "TFFFF"},
		{"rolled_back", rollout.Status{Phase: rollout.RolledBack}, "FFFTT"},
		{"aborted", rollout.Status{Phase: rollout.Aborted}, "FFFTF"},
		{"failed", rollout.Status{Phase: rollout.Failed}, "FFFFT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, c := range Conditions(tt.st, 3) {
				got += string(c.Status)[:1]
				if c.ObservedGeneration != 3 || c.Reason == "" {
					t.Errorf("%s: generation %d reason %q", c.Type, c.ObservedGeneration, c.Reason)
				}
			}
			if got != tt.want {
				t.Fatalf("conditions = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSetEngineStatusRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC)
	st := rollout.NewStatus("v1", "v2")
	st.Phase, st.StepIndex, st.CanaryWeight, st.Message = rollout.Analyzing, 3, 20, "round 2 passed"
	st.StartedAt = t0
	st.Analysis.Rounds = 2
	for i := range rollout.MaxDecisions {
		st.Decisions = append(st.Decisions, rollout.Decision{Time: t0.Add(time.Duration(i) * time.Second), Step: i % 5, Phase: rollout.Analyzing, Action: "measure", Reason: fmt.Sprint("round ", i)})
	}
	st.DecisionsDropped = 9

	var s ReleaseStatus
	if err := s.SetEngineStatus(st, 5, 2); err != nil {
		t.Fatal(err)
	}
	if s.Phase != "Analyzing" || s.Step != 3 || s.Steps != 5 || s.CanaryWeight != 20 || s.StableWeight != 80 ||
		s.StableRelease != "v1" || s.CanaryRelease != "v2" || s.ObservedGeneration != 2 || s.Message != "round 2 passed" {
		t.Fatalf("status = %+v", s)
	}
	if len(s.Decisions) != rollout.MaxDecisions || s.Decisions[63].Reason != "round 63" || s.DecisionsDropped != 9 {
		t.Fatalf("decisions: %d, last %+v, dropped %d", len(s.Decisions), s.Decisions[len(s.Decisions)-1], s.DecisionsDropped)
	}
	if !meta.IsStatusConditionTrue(s.Conditions, ConditionAnalyzing) || !meta.IsStatusConditionTrue(s.Conditions, ConditionProgressing) {
		t.Fatalf("conditions = %+v", s.Conditions)
	}
	got, ok, err := s.EngineStatus()
	if err != nil || !ok {
		t.Fatalf("EngineStatus: ok=%v err=%v", ok, err)
	}
	if d := cmp.Diff(st, got); d != "" {
		t.Fatalf("engine status (-want +got):\n%s", d)
	}

	// A transition keeps the time of conditions that did not change.
	progressing := meta.FindStatusCondition(s.Conditions, ConditionProgressing).LastTransitionTime
	s.Conditions[0].LastTransitionTime = metav1.NewTime(t0)
	st.Phase = rollout.Progressing
	if err := s.SetEngineStatus(st, 5, 2); err != nil {
		t.Fatal(err)
	}
	if got := meta.FindStatusCondition(s.Conditions, ConditionProgressing).LastTransitionTime; !got.Equal(&metav1.Time{Time: t0}) {
		t.Fatalf("unchanged Progressing moved its transition time to %v (was %v)", got, progressing)
	}
	if meta.IsStatusConditionTrue(s.Conditions, ConditionAnalyzing) {
		t.Fatal("Analyzing still true after leaving the analysis step")
	}
}

func TestEngineStatusAbsentAndCorrupt(t *testing.T) {
	var s ReleaseStatus
	if _, ok, err := s.EngineStatus(); ok || err != nil {
		t.Fatalf("fresh status: ok=%v err=%v", ok, err)
	}
	s.Engine = &runtime.RawExtension{Raw: []byte(`{"phase": 7}`)}
	if _, _, err := s.EngineStatus(); err == nil {
		t.Fatal("corrupt engine status accepted")
	}
}
