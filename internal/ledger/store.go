// Package ledger is pinwheel's system of record: builds, releases (with their
// BuildInfo and lock snapshot), rollouts with their persisted engine status,
// every decision, notifications and incidents. The Store interface is what
// the rest of pinwheel uses; Open returns the embedded SQLite implementation
// (pure Go, WAL, safe under concurrent CLI processes). It makes no rollout
// decisions and talks to no runtime.
package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/lock"
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

// ReleaseState is where a release stands.
type ReleaseState string

// Release states.
const (
	ReleaseNew        ReleaseState = "new"         // recorded, not yet rolled out
	ReleaseRolling    ReleaseState = "rolling"     // a rollout is in progress
	ReleaseLive       ReleaseState = "live"        // promoted; serving all traffic
	ReleaseSuperseded ReleaseState = "superseded"  // was live, replaced by a newer one
	ReleaseRolledBack ReleaseState = "rolled-back" // its rollout was rolled back or aborted
)

// Release is a deployable unit: an image with the build metadata and lock
// state it was built from.
type Release struct {
	ID        string           `json:"id"` // "<service>-<seq>"
	Service   string           `json:"service"`
	Seq       int              `json:"seq"`
	CreatedAt time.Time        `json:"createdAt"`
	Info      attest.BuildInfo `json:"buildInfo"`
	ImageRef  string           `json:"imageRef,omitempty"`
	Lock      *lock.Lock       `json:"lock,omitempty"`
	// Config is the pinwheel.yaml snapshot (as JSON) the release was built with.
	Config json.RawMessage `json:"config,omitempty"`
	// Deploy says how a runtime runs this release (the driver's runtime.Release
	// as JSON: artifact, env); opaque to the ledger.
	Deploy json.RawMessage `json:"deploy,omitempty"`
	State  ReleaseState    `json:"state"`
	// KnownGood is set once the release passed a full rollout (analysis and
	// promotion); rollbacks go to the newest known-good release.
	KnownGood bool `json:"knownGood"`
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

// Store is the ledger's interface. All methods are safe for concurrent use,
// including from several processes sharing one database file.
type Store interface {
	Builds
	Releases
	Rollouts
	Events
	Commands
	Close() error
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

// Commands queues people's requests for the driver of a service's rollout.
type Commands interface {
	EnqueueCommand(ctx context.Context, service string, body json.RawMessage) (int64, error)
	// TakeCommands marks every pending command of service as taken by
	// rolloutID and returns them, oldest first. Each command is taken once.
	TakeCommands(ctx context.Context, service string, rolloutID int64) ([]Command, error)
}

// Builds records image builds.
type Builds interface {
	RecordBuild(ctx context.Context, b Build) (int64, error)
	ListBuilds(ctx context.Context, service string, limit int) ([]Build, error)
}

// Releases records releases and their state.
type Releases interface {
	// CreateRelease assigns the next sequence number for the service and
	// returns the stored release (ID filled).
	CreateRelease(ctx context.Context, r Release) (Release, error)
	// GetRelease resolves ref: a release ID ("hello-3"), a sequence number
	// ("3", with service), an image digest (prefix ≥ 12 hex), or "current" /
	// "previous" (with service).
	GetRelease(ctx context.Context, service, ref string) (Release, error)
	ListReleases(ctx context.Context, service string, limit int) ([]Release, error)
	SetReleaseState(ctx context.Context, id string, state ReleaseState, knownGood bool) error
	// LastKnownGood returns the newest known-good release of service other than exclude.
	LastKnownGood(ctx context.Context, service, exclude string) (Release, error)
	// Services lists, sorted, every service with a build, release or rollout.
	Services(ctx context.Context) ([]string, error)
}

// Rollouts records rollouts, their persisted status and decisions.
type Rollouts interface {
	StartRollout(ctx context.Context, r Rollout) (Rollout, error)
	// SaveRollout writes r's phase/status/outcome and appends decisions in one
	// transaction, if r.Revision is still the stored revision; it returns the
	// rollout with the new revision, or ErrConflict.
	SaveRollout(ctx context.Context, r Rollout, decisions ...Decision) (Rollout, error)
	GetRollout(ctx context.Context, id int64) (Rollout, error)
	// ActiveRollout returns the service's unfinished rollout, or ErrNotFound.
	ActiveRollout(ctx context.Context, service string) (Rollout, error)
	ListRollouts(ctx context.Context, service string, limit int) ([]Rollout, error)
	Decisions(ctx context.Context, rolloutID int64) ([]Decision, error)
	// Inputs returns the engine inputs recorded with each save, oldest first.
	Inputs(ctx context.Context, rolloutID int64) ([]Input, error)
}

// Events records notifications and incidents.
type Events interface {
	RecordNotification(ctx context.Context, n Notification) (int64, error)
	ListNotifications(ctx context.Context, rolloutID int64) ([]Notification, error)
	RecordIncident(ctx context.Context, i Incident) (int64, error)
	ListIncidents(ctx context.Context, service string, limit int) ([]Incident, error)
}

// Facts returns what the what-changed diff and the remediation report read
// of r.
func (r Release) Facts() changes.Facts {
	return changes.Facts{ID: r.ID, Service: r.Service, CreatedAt: r.CreatedAt, Info: r.Info, ImageRef: r.ImageRef,
		Lock: r.Lock, Config: r.Config, State: string(r.State), KnownGood: r.KnownGood}
}
