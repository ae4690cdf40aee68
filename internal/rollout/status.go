package rollout

import (
	"fmt"
	"slices"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Phase is where a rollout is. Promoted, RolledBack, Aborted and Failed are
// terminal.
type Phase string

// The phases. See docs/rollout.md for the state diagram.
const (
	Pending     Phase = "Pending"     // not started; the zero Status
	Progressing Phase = "Progressing" // in a setWeight step
	Paused      Phase = "Paused"      // in a pause step
	Analyzing   Phase = "Analyzing"   // in an analysis step
	Smoking     Phase = "Smoking"     // in a smoke step
	Promoting   Phase = "Promoting"   // making the canary stable; cannot be undone
	Promoted    Phase = "Promoted"    // terminal: the canary is the stable release
	RollingBack Phase = "RollingBack" // sending all traffic back to stable
	RolledBack  Phase = "RolledBack"  // terminal: automatic or requested rollback done
	Aborted     Phase = "Aborted"     // terminal: a person aborted the rollout
	Failed      Phase = "Failed"      // terminal: the spec or status was unusable
)

// MaxDecisions bounds the decision log; older decisions are dropped first.
const MaxDecisions = 64

// Status is everything Next needs to resume. Drivers persist it (as JSON)
// after every call; the zero value plus release IDs is a fresh rollout.
type Status struct {
	Phase         Phase  `json:"phase"`
	StableRelease string `json:"stableRelease,omitempty"`
	CanaryRelease string `json:"canaryRelease"`
	// StepIndex is the current step; len(spec.Steps) once promoting.
	StepIndex int `json:"stepIndex"`
	// CanaryWeight is the traffic percentage last asked of the runtime.
	CanaryWeight int `json:"canaryWeight"`
	// CanaryScale is the weight the canary's replicas were last scaled for.
	CanaryScale   int       `json:"canaryScale"`
	StartedAt     time.Time `json:"startedAt,omitzero"`
	StepStartedAt time.Time `json:"stepStartedAt,omitzero"`
	// WaitingSince is when the rollout started waiting on the runtime or a
	// provider; ProgressDeadline is measured from it. Zero when not waiting.
	WaitingSince time.Time `json:"waitingSince,omitzero"`
	WaitingFor   string    `json:"waitingFor,omitempty"`
	// Analysis holds the current analysis step's counters.
	Analysis AnalysisCounters `json:"analysis,omitzero"`
	// SmokeRequestedAt is when the current smoke step first asked for its
	// test; its result is due within twice the timeout.
	SmokeRequestedAt time.Time `json:"smokeRequestedAt,omitzero"`
	// FastTrack is set at start when FastRollback applies to this canary.
	FastTrack bool `json:"fastTrack,omitempty"`
	// ManualPromotion records that a person promoted, skipping steps.
	ManualPromotion bool      `json:"manualPromotion,omitempty"`
	PromotedAt      time.Time `json:"promotedAt,omitzero"`
	// RollbackTo is the terminal phase a rollback in progress ends in.
	RollbackTo Phase `json:"rollbackTo,omitempty"`
	// Message is the latest decision's reason, for status displays.
	Message          string     `json:"message,omitempty"`
	Decisions        []Decision `json:"decisions,omitempty"`
	DecisionsDropped int        `json:"decisionsDropped,omitempty"`
	Terminal         bool       `json:"terminal"`
}

// AnalysisCounters track one analysis step. They reset when a step starts.
type AnalysisCounters struct {
	Rounds            int `json:"rounds,omitempty"`
	Failures          int `json:"failures,omitempty"`
	ConsecutiveErrors int `json:"consecutiveErrors,omitempty"`
	Inconclusive      int `json:"inconclusive,omitempty"`
	// LastRoundPassed is true when every check passed in the latest round.
	LastRoundPassed bool `json:"lastRoundPassed,omitempty"`
	// AwaitingRound is the round whose measurements were requested (0: none).
	AwaitingRound int       `json:"awaitingRound,omitempty"`
	RequestedAt   time.Time `json:"requestedAt,omitzero"`
	NextRoundAt   time.Time `json:"nextRoundAt,omitzero"`
}

// Decision is one entry of the decision log: what Next decided and why.
type Decision struct {
	Time     time.Time          `json:"time"`
	Step     int                `json:"step"`
	Phase    Phase              `json:"phase"`
	Action   string             `json:"action"`
	Reason   string             `json:"reason"`
	Verdicts []analysis.Verdict `json:"verdicts,omitempty"`
}

// NewStatus is a fresh rollout of canary replacing stable (empty stable for
// a first deploy).
func NewStatus(stable, canary string) Status {
	return Status{Phase: Pending, StableRelease: stable, CanaryRelease: canary}
}

// IsTerminal reports whether p ends a rollout.
func (p Phase) IsTerminal() bool {
	switch p {
	case Promoted, RolledBack, Aborted, Failed:
		return true
	}
	return false
}

// inStep reports whether p is one of the phases that run a step.
func (p Phase) inStep() bool {
	switch p {
	case Progressing, Paused, Analyzing, Smoking:
		return true
	}
	return false
}

func (s Status) clone() Status {
	s.Decisions = slices.Clone(s.Decisions)
	return s
}

// record appends a decision, dropping the oldest beyond MaxDecisions.
func (s *Status) record(d Decision) {
	s.Message = d.Reason
	s.Decisions = append(s.Decisions, d)
	if over := len(s.Decisions) - MaxDecisions; over > 0 {
		s.Decisions = slices.Delete(s.Decisions, 0, over)
		s.DecisionsDropped += over
	}
}

// Summary is a one-line description for status displays, e.g.
// "Analyzing step 2: canary v2 at 20% (stable v1): step 2 round 1: 2 pass".
func (s Status) Summary() string {
	where := string(s.Phase)
	if s.Phase.inStep() {
		where = fmt.Sprintf("%s step %d", s.Phase, s.StepIndex)
	}
	out := fmt.Sprintf("%s: canary %s at %d%% (stable %s)", where, s.CanaryRelease, s.CanaryWeight, orNone(s.StableRelease))
	if s.WaitingFor != "" {
		out += "; waiting for " + s.WaitingFor
	}
	if s.Message != "" {
		out += ": " + s.Message
	}
	return out
}
