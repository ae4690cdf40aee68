package notify

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Notifier delivers an event to one destination (or, for wrappers, to the
// destinations they hold).
type Notifier interface {
	// Notify delivers ev. A returned error says the delivery failed; wrappers
	// such as Retrying decide whether to try again.
	Notify(ctx context.Context, ev Event) error
	// Name identifies the destination in logs and the ledger without
	// revealing secrets: "https://hooks.slack.com/services/…".
	Name() string
}

// EventType names what happened to a rollout.
type EventType string

// The event types. Receivers should ignore types they do not know.
const (
	RolloutStarted     EventType = "rollout.started"
	RolloutStep        EventType = "rollout.step"
	RolloutPaused      EventType = "rollout.paused"
	RolloutPromoting   EventType = "rollout.promoting"
	RolloutPromoted    EventType = "rollout.promoted"
	RolloutRollingBack EventType = "rollout.rolling-back"
	RolloutRolledBack  EventType = "rollout.rolled-back"
	RolloutAborted     EventType = "rollout.aborted"
	RolloutFailed      EventType = "rollout.failed"
	// VulnerabilityFound: an advisory newly affects a running release
	// (pinwheel's scheduled scan, internal/vulnwatch).
	VulnerabilityFound EventType = "vulnerability.found"
	// ScorecardAlert is a scorecard number beyond its alerts: bound
	// (Event.Alert carries the numbers).
	ScorecardAlert EventType = "scorecard.alert"
	// DriftDetected is a difference between what runs and what pinwheel
	// recorded (Event.Drift says which).
	DriftDetected EventType = "drift.detected"
)

// EventTypes lists every event type, in rollout order.
var EventTypes = []EventType{
	RolloutStarted, RolloutStep, RolloutPaused, RolloutPromoting, RolloutPromoted,
	RolloutRollingBack, RolloutRolledBack, RolloutAborted, RolloutFailed,
	VulnerabilityFound,
	ScorecardAlert, DriftDetected,
}

// Known reports whether t is one of EventTypes.
func (t EventType) Known() bool {
	for _, k := range EventTypes {
		if k == t {
			return true
		}
	}
	return false
}

// FromRollout maps the rollout engine's Notify event to an EventType.
func FromRollout(e rollout.Event) (EventType, bool) {
	switch e {
	case rollout.EventStarted:
		return RolloutStarted, true
	case rollout.EventPaused:
		return RolloutPaused, true
	case rollout.EventPromoting:
		return RolloutPromoting, true
	case rollout.EventPromoted:
		return RolloutPromoted, true
	case rollout.EventRollingBack:
		return RolloutRollingBack, true
	case rollout.EventRolledBack:
		return RolloutRolledBack, true
	case rollout.EventAborted:
		return RolloutAborted, true
	case rollout.EventFailed:
		return RolloutFailed, true
	}
	return "", false
}

// SchemaVersion is the version of the JSON payload in Event. It changes only
// when a field changes meaning or is removed; new fields may appear at any time.
const SchemaVersion = 1

// Event is one thing that happened to a rollout, as every notifier sends it.
// Its JSON encoding is the webhook payload (docs/notify.md).
type Event struct {
	Version int       `json:"version"`
	ID      string    `json:"id"` // unique per event; the delivery/idempotency ID
	Type    EventType `json:"type"`
	Time    time.Time `json:"time"`
	Service string    `json:"service"`

	RolloutID int64  `json:"rolloutId,omitempty"`
	Step      int    `json:"step"`
	Weight    int    `json:"weight"` // canary traffic percent after the event
	Phase     string `json:"phase,omitempty"`
	Reason    string `json:"reason,omitempty"`

	// Release is the release being rolled out; Stable the one serving before
	// it (and the one rolled back to, after a rollback).
	Release ReleaseRef  `json:"release"`
	Stable  *ReleaseRef `json:"stable,omitempty"`

	// Verdicts are the analysis results behind the event, with evidence.
	Verdicts []analysis.Verdict `json:"verdicts,omitempty"`
	// Link points at more: the remediation issue, a report file, a dashboard.
	Link string `json:"link,omitempty"`
	// Alert is set on scorecard.alert events, Drift on drift.detected.
	Alert *Alert `json:"alert,omitempty"`
	Drift *Drift `json:"drift,omitempty"`
}

// ReleaseRef names a release and carries its build metadata.
type ReleaseRef struct {
	ID    string           `json:"id"`
	Build attest.BuildInfo `json:"build"`
}

// Headline is a one-line human summary: "hello: rollout of hello-2 rolled back".
func (e Event) Headline() string {
	switch e.Type {
	case VulnerabilityFound:
		return e.Service + ": running release " + e.Release.ID + " is affected: " + e.Reason
	case ScorecardAlert:
		return e.Service + ": scorecard alert: " + e.Reason
	case DriftDetected:
		return "drift: " + e.Reason
	}
	what := map[EventType]string{
		RolloutStarted:     "started",
		RolloutStep:        "moved to the next step",
		RolloutPaused:      "paused",
		RolloutPromoting:   "promoting",
		RolloutPromoted:    "promoted",
		RolloutRollingBack: "rolling back",
		RolloutRolledBack:  "rolled back",
		RolloutAborted:     "aborted",
		RolloutFailed:      "failed",
	}[e.Type]
	if what == "" {
		what = string(e.Type)
	}
	rel := e.Release.ID
	if rel == "" {
		rel = e.Release.Build.Version
	}
	if rel == "" {
		return e.Service + ": rollout " + what
	}
	return e.Service + ": rollout of " + rel + " " + what
}
