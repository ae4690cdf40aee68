package rollout

import "pinwheel.dev/pinwheel/internal/analysis"

// Observations are what the driver saw of the world since the last call.
// Gather them after carrying out the previous call's actions.
type Observations struct {
	// Canary and Stable are the releases' replica readiness.
	Canary Readiness `json:"canary"`
	Stable Readiness `json:"stable"`
	// AppliedWeight is the canary traffic percentage the router applies now.
	AppliedWeight int `json:"appliedWeight"`
	// StableRelease is the release the runtime currently serves as stable;
	// equal to the canary's ID once a Promote has been carried out.
	StableRelease string `json:"stableRelease,omitempty"`
	// InFlight is true while a previously returned action is still being
	// applied (e.g. a Deployment update not yet observed). Next then waits.
	InFlight bool `json:"inFlight,omitempty"`
	// CanaryKnownGood is true when the canary release already passed analysis
	// in an earlier rollout (from the ledger). Read only when the rollout starts.
	CanaryKnownGood bool `json:"canaryKnownGood,omitempty"`
	// Smoke is the result of a RunSmoke action, if one finished.
	Smoke *SmokeResult `json:"smoke,omitempty"`
	// Analysis holds measurements for a RunAnalysis action, if they are in.
	Analysis *AnalysisResult `json:"analysis,omitempty"`
	// Commands are requests from people (CLI, API, annotations).
	Commands []Command `json:"commands,omitempty"`
}

// Readiness is ready versus desired replicas.
type Readiness struct {
	Ready   int `json:"ready"`
	Desired int `json:"desired"`
}

// ready reports whether at least one replica is wanted and all are ready.
func (r Readiness) ready() bool { return r.Desired > 0 && r.Ready >= r.Desired }

// SmokeResult answers RunSmoke for step Step.
type SmokeResult struct {
	Step   int    `json:"step"`
	Passed bool   `json:"passed"`
	Reason string `json:"reason,omitempty"`
}

// AnalysisResult answers RunAnalysis for (Step, Round). Results for any other
// step or round are stale and ignored. A check missing from Measurements
// counts as a provider error.
type AnalysisResult struct {
	Step         int                             `json:"step"`
	Round        int                             `json:"round"`
	Measurements map[string]analysis.Measurement `json:"measurements"`
}

// CommandKind is what a person asked for.
type CommandKind string

// The commands. Abort beats Rollback beats Promote beats Resume; failed
// checks and deadlines beat Promote.
const (
	// CommandResume ends the pause at step Command.Step (timed or not).
	CommandResume CommandKind = "resume"
	// CommandPromote skips the remaining steps and promotes the canary.
	CommandPromote CommandKind = "promote"
	// CommandAbort sends all traffic to stable and ends in Aborted.
	CommandAbort CommandKind = "abort"
	// CommandRollback sends all traffic to stable and ends in RolledBack.
	CommandRollback CommandKind = "rollback"
)

// Command is a request from a person. Commands are idempotent: re-delivering
// one has no further effect.
type Command struct {
	Kind CommandKind `json:"kind"`
	// Step is the step a Resume is for (the StepIndex the person saw), so a
	// re-delivered Resume cannot skip a later pause.
	Step   int    `json:"step,omitempty"`
	By     string `json:"by,omitempty"`
	Reason string `json:"reason,omitempty"`
}
