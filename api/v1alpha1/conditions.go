package v1alpha1

// Condition types of ReleaseStatus.Conditions. Each is always present once
// the controller has seen the Release; Reason is the engine phase.
const (
	// ConditionProgressing is True while the rollout runs (any
	// non-terminal phase) and False once it ended.
	ConditionProgressing = "Progressing"
	// ConditionAnalyzing is True during an analysis step.
	ConditionAnalyzing = "Analyzing"
	// ConditionPromoted is True once the canary became the stable release.
	ConditionPromoted = "Promoted"
	// ConditionRolledBack is True once traffic went back to the stable
	// release for good (automatic rollback, or a person's abort/rollback).
	ConditionRolledBack = "RolledBack"
	// ConditionDegraded is True while rolling back after a failed check and
	// once rolled back or failed: the canary was judged unfit or the
	// rollout could not be driven.
	ConditionDegraded = "Degraded"
)

// ConditionTypes lists every condition type, in display order.
var ConditionTypes = []string{ConditionProgressing, ConditionAnalyzing, ConditionPromoted, ConditionRolledBack, ConditionDegraded}
