// Package ledger holds the values and the role interfaces of pinwheel's
// system of record: builds, releases (with their BuildInfo and lock
// snapshot), rollouts with their persisted engine status, every decision,
// notifications, incidents and queued commands — and the schema migrations
// every store applies. It imports no database driver: the stores are
// sqlstore (database/sql) under sqlite (the embedded default), and
// ledgerdb opens the one a location names. It makes no rollout decisions
// and talks to no runtime.
package ledger

import (
	"encoding/json"
	"errors"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
)

// Errors callers can test for.
var (
	ErrNotFound = errors.New("not found")
	// ErrConflict means a rollout was saved by someone else since it was
	// loaded (optimistic concurrency): reload and decide again.
	ErrConflict = errors.New("rollout changed since it was loaded")
)

// Build is one image build as recorded by `pinwheel build`.
type Build struct {
	ID        int64            `json:"id"`
	Service   string           `json:"service"`
	CreatedAt time.Time        `json:"createdAt"`
	Info      attest.BuildInfo `json:"buildInfo"`
	// Succeeded is false for builds that failed (kept for the scorecard).
	Succeeded bool `json:"succeeded"`
}

// ReleaseState is where a release stands (Release.State).
type ReleaseState = string

// Release states.
const (
	ReleaseNew        = "new"         // recorded, not yet rolled out
	ReleaseRolling    = "rolling"     // a rollout is in progress
	ReleaseLive       = "live"        // promoted; serving all traffic
	ReleaseSuperseded = "superseded"  // was live, replaced by a newer one
	ReleaseRolledBack = "rolled-back" // its rollout was rolled back or aborted
)

// Release is a deployable unit: an image with the build metadata, lock
// state and configuration it was built from (the Facts the what-changed
// diff and the remediation report read, whoever keeps them), numbered in
// its service's sequence and with what a runtime needs to run it.
type Release struct {
	changes.Facts
	Seq int `json:"seq"`
	// Deploy says how a runtime runs this release (the driver's runtime.Release
	// as JSON: artifact, env); opaque to the ledger.
	Deploy json.RawMessage `json:"deploy,omitempty"`
}

// Rollout is one attempt to move a service from one release to another. Status
// holds the rollout engine's persisted state (opaque to the ledger).
type Rollout struct {
	ID          int64           `json:"id"`
	Service     string          `json:"service"`
	ReleaseID   string          `json:"releaseId"`
	FromRelease string          `json:"fromRelease,omitempty"`
	Target      string          `json:"target"` // "local", "kube"
	Phase       string          `json:"phase"`
	Status      json.RawMessage `json:"status,omitempty"`
	StartedAt   time.Time       `json:"startedAt"`
	UpdatedAt   time.Time       `json:"updatedAt"`
	FinishedAt  time.Time       `json:"finishedAt,omitzero"`
	Outcome     string          `json:"outcome,omitempty"` // promoted, rolled-back, aborted, failed
	// Revision increases on every save; SaveRollout refuses stale revisions.
	Revision int64 `json:"revision"`
	// Input, when set, is recorded by SaveRollout in the same transaction:
	// what the engine decided this save from (time and observations), so a
	// rollout can be replayed decision for decision. Not loaded back.
	Input json.RawMessage `json:"-"`
}

// Input is one recorded engine input of a rollout, in order.
type Input struct {
	RolloutID int64           `json:"rolloutId"`
	Seq       int             `json:"seq"`
	At        time.Time       `json:"at"`
	Body      json.RawMessage `json:"body"`
}

// Decision is one step the rollout engine took, with its evidence.
type Decision struct {
	RolloutID int64           `json:"rolloutId"`
	Seq       int             `json:"seq"`
	At        time.Time       `json:"at"`
	Step      int             `json:"step"`
	Phase     string          `json:"phase"`
	Action    string          `json:"action"`
	Reason    string          `json:"reason"`
	Evidence  json.RawMessage `json:"evidence,omitempty"`
}

// Notification records a message pinwheel sent (or failed to send).
type Notification struct {
	ID        int64     `json:"id"`
	RolloutID int64     `json:"rolloutId,omitempty"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`   // webhook, slack, issue, file
	Target    string    `json:"target"` // URL or path
	Event     string    `json:"event"`  // rollout.started, rollout.rolled-back, ...
	Status    string    `json:"status"` // sent, failed
	Attempts  int       `json:"attempts"`
	Error     string    `json:"error,omitempty"`
}

// Incident records an automatic rollback and where its remediation report went.
type Incident struct {
	ID        int64     `json:"id"`
	RolloutID int64     `json:"rolloutId"`
	ReleaseID string    `json:"releaseId"`
	At        time.Time `json:"at"`
	Title     string    `json:"title"`
	Location  string    `json:"location"` // issue URL or report file path
	Summary   string    `json:"summary,omitempty"`
}

// Command is a person's request (promote, abort, rollback, resume) for a
// service's rollout, queued until a driver takes it. Body is the rollout
// engine's command as JSON (opaque to the ledger).
type Command struct {
	ID      int64           `json:"id"`
	Service string          `json:"service"`
	At      time.Time       `json:"at"`
	Body    json.RawMessage `json:"body"`
	// TakenBy is the rollout that consumed the command (0 while pending).
	TakenBy int64 `json:"takenBy,omitempty"`
}
