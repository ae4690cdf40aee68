package ledger

import (
	"context"
	"encoding/json"
)

// Store is the whole ledger, as the openers (ledgerdb) hand it out. All
// methods are safe for concurrent use, including from several processes
// sharing one database. Consumers take the role they need (Releases,
// Rollouts, Commands, Builds, Events), not the Store.
type Store interface {
	Builds
	Releases
	Rollouts
	Events
	Commands
	Archive
	Schema
	GateRuns
	Close() error
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
	// StartRollout refuses (ErrConflict) while the service has an unfinished
	// rollout: one active rollout per service, whoever started it.
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
