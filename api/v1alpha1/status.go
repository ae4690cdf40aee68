package v1alpha1

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"pinwheel.dev/pinwheel/internal/rollout"
)

// EngineStatus returns the engine status persisted in s. ok is false when
// none was persisted yet (a fresh Release).
func (s *ReleaseStatus) EngineStatus() (st rollout.Status, ok bool, err error) {
	if s.Engine == nil || len(s.Engine.Raw) == 0 {
		return rollout.Status{}, false, nil
	}
	if err := json.Unmarshal(s.Engine.Raw, &st); err != nil {
		return rollout.Status{}, false, fmt.Errorf("status.engine: %w", err)
	}
	return st, true, nil
}

// SetEngineStatus persists st in s and derives every displayed field from
// it: phase, step, weights, message, the decision log and the conditions.
// steps is the strategy's step count; generation the Release's
// metadata.generation. Conditions keep their transition time while their
// status does not change.
func (s *ReleaseStatus) SetEngineStatus(st rollout.Status, steps int, generation int64) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode engine status: %w", err)
	}
	s.Engine = &runtime.RawExtension{Raw: raw}
	s.ObservedGeneration = generation
	s.Phase = string(st.Phase)
	s.Step = int32(st.StepIndex)
	s.Steps = int32(steps)
	s.CanaryWeight = int32(st.CanaryWeight)
	s.StableWeight = 100 - int32(st.CanaryWeight)
	s.StableRelease = st.StableRelease
	s.CanaryRelease = st.CanaryRelease
	s.Message = st.Message
	s.Decisions = s.Decisions[:0]
	for _, d := range st.Decisions {
		s.Decisions = append(s.Decisions, Decision{
			Time: metav1.NewTime(d.Time).Rfc3339Copy(), Step: int32(d.Step), Phase: string(d.Phase),
			Action: d.Action, Reason: d.Reason,
		})
	}
	s.DecisionsDropped = int32(st.DecisionsDropped)
	for _, c := range Conditions(st, generation) {
		meta.SetStatusCondition(&s.Conditions, c)
	}
	return nil
}

// Conditions derives the Release's conditions from an engine status. The
// reason of each is the engine phase; the message its latest reason.
func Conditions(st rollout.Status, generation int64) []metav1.Condition {
	p := st.Phase
	if p == "" {
		p = rollout.Pending
	}
	degraded := p == rollout.Failed ||
		(p == rollout.RollingBack && st.RollbackTo != rollout.Aborted) ||
		p == rollout.RolledBack
	values := map[string]bool{
		ConditionProgressing: !p.IsTerminal(),
		ConditionAnalyzing:   p == rollout.Analyzing,
		ConditionPromoted:    p == rollout.Promoted,
		ConditionRolledBack:  p == rollout.RolledBack || p == rollout.Aborted,
		ConditionDegraded:    degraded,
	}
	out := make([]metav1.Condition, 0, len(ConditionTypes))
	for _, t := range ConditionTypes {
		status := metav1.ConditionFalse
		if values[t] {
			status = metav1.ConditionTrue
		}
		msg := st.Message
		if len(msg) > 32768 {
			msg = msg[:32768]
		}
		out = append(out, metav1.Condition{
			Type: t, Status: status, Reason: string(p), Message: msg,
			ObservedGeneration: generation,
		})
	}
	return out
}
