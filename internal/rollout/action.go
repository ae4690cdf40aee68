package rollout

import (
	"fmt"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Action is something Next asks the driver to do. Every action is
// idempotent: Next re-issues an action until it sees its effect, so drivers
// must tolerate repeats (RunSmoke and RunAnalysis carry the step and round to
// deduplicate by). Drivers carry out actions in order, then persist Status.
type Action interface {
	fmt.Stringer
	isAction()
}

// SetWeight routes Weight percent of traffic to the canary, the rest to stable.
type SetWeight struct{ Weight int }

// ScaleCanary sizes the canary to serve Weight percent of traffic, with at
// least one replica (Weight 0 means one replica and no traffic, as before a
// smoke test).
type ScaleCanary struct{ Weight int }

// RunSmoke runs the smoke test of step Step and reports a SmokeResult.
type RunSmoke struct {
	Step  int
	Smoke SmokeStep
}

// RunAnalysis asks the metrics provider for measurements of Checks and
// reports them as an AnalysisResult for (Step, Round). Since is when the
// step started (the canary's current traffic began); At is when the round
// was requested.
type RunAnalysis struct {
	Step, Round int
	Checks      []analysis.Check
	Since, At   time.Time
}

// Promote makes the canary the stable release (all traffic, full scale).
type Promote struct{ Canary, Stable string }

// Rollback sends all traffic to stable and scales the canary to zero at once.
type Rollback struct{ Stable, Canary string }

// ScaleDown scales Release to zero (the previous stable, after promotion).
type ScaleDown struct{ Release string }

// Notify tells people (webhooks, chat, logs) that Event happened.
type Notify struct {
	Event  Event
	Reason string
}

// RequeueAfter asks to be called again after After at the latest; sooner is
// fine (e.g. when a command or a result arrives).
type RequeueAfter struct{ After time.Duration }

// MarkReleaseGood records that Release passed its rollout's analysis (in the
// ledger), which FastRollback relies on later.
type MarkReleaseGood struct{ Release string }

// Event names what a Notify is about.
type Event string

// The events.
const (
	EventStarted     Event = "started"
	EventPaused      Event = "paused"
	EventPromoting   Event = "promoting"
	EventPromoted    Event = "promoted"
	EventRollingBack Event = "rollingBack"
	EventRolledBack  Event = "rolledBack"
	EventAborted     Event = "aborted"
	EventFailed      Event = "failed"
)

func (SetWeight) isAction()       {}
func (ScaleCanary) isAction()     {}
func (RunSmoke) isAction()        {}
func (RunAnalysis) isAction()     {}
func (Promote) isAction()         {}
func (Rollback) isAction()        {}
func (ScaleDown) isAction()       {}
func (Notify) isAction()          {}
func (RequeueAfter) isAction()    {}
func (MarkReleaseGood) isAction() {}

func (a SetWeight) String() string   { return fmt.Sprintf("SetWeight(%d)", a.Weight) }
func (a ScaleCanary) String() string { return fmt.Sprintf("ScaleCanary(%d)", a.Weight) }
func (a RunSmoke) String() string {
	var probes []string
	for _, p := range a.Smoke.HTTP {
		probes = append(probes, fmt.Sprintf("%s=%d", p.Path, p.ExpectStatus))
	}
	return fmt.Sprintf("RunSmoke(step=%d command=%q http=[%s] timeout=%s)", a.Step, a.Smoke.Command, strings.Join(probes, " "), a.Smoke.Timeout)
}
func (a RunAnalysis) String() string {
	names := make([]string, len(a.Checks))
	for i, c := range a.Checks {
		names[i] = c.Name
	}
	return fmt.Sprintf("RunAnalysis(step=%d round=%d checks=%s since=%s at=%s)", a.Step, a.Round, strings.Join(names, ","),
		a.Since.UTC().Format(time.RFC3339), a.At.UTC().Format(time.RFC3339))
}
func (a Promote) String() string {
	return fmt.Sprintf("Promote(canary=%s stable=%s)", a.Canary, a.Stable)
}
func (a Rollback) String() string {
	return fmt.Sprintf("Rollback(stable=%s canary=%s)", a.Stable, a.Canary)
}
func (a ScaleDown) String() string       { return fmt.Sprintf("ScaleDown(%s)", a.Release) }
func (a Notify) String() string          { return fmt.Sprintf("Notify(%s: %s)", a.Event, a.Reason) }
func (a RequeueAfter) String() string    { return fmt.Sprintf("RequeueAfter(%s)", a.After) }
func (a MarkReleaseGood) String() string { return fmt.Sprintf("MarkReleaseGood(%s)", a.Release) }
