package deploy

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
)

// HistoryEntry is one rollout of a service, newest first in History.
type HistoryEntry struct {
	Rollout  int64         `json:"rollout"`
	Release  string        `json:"release"`
	Version  string        `json:"version,omitempty"`
	Digest   string        `json:"imageDigest,omitempty"`
	From     string        `json:"from,omitempty"`
	Phase    string        `json:"phase"`
	Outcome  string        `json:"outcome,omitempty"`
	Started  time.Time     `json:"startedAt"`
	Duration time.Duration `json:"durationNs,omitempty"`
	// Reason is the rollout's last decision.
	Reason   string `json:"reason,omitempty"`
	Incident string `json:"incident,omitempty"`
}

// History lists service's newest rollouts with their releases and incidents.
func History(ctx context.Context, store ledger.Store, service string, limit int) ([]HistoryEntry, error) {
	rs, err := store.ListRollouts(ctx, service, limit)
	if err != nil {
		return nil, err
	}
	incidents := map[int64]string{}
	if is, err := store.ListIncidents(ctx, service, 10*max(limit, 10)); err == nil {
		for _, i := range is {
			incidents[i.RolloutID] = i.Location
		}
	}
	out := make([]HistoryEntry, 0, len(rs))
	for _, ro := range rs {
		e := HistoryEntry{Rollout: ro.ID, Release: ro.ReleaseID, From: ro.FromRelease, Phase: ro.Phase, Outcome: ro.Outcome,
			Started: ro.StartedAt, Incident: incidents[ro.ID]}
		if !ro.FinishedAt.IsZero() {
			e.Duration = ro.FinishedAt.Sub(ro.StartedAt)
		}
		if rel, err := store.GetRelease(ctx, service, ro.ReleaseID); err == nil {
			e.Version, e.Digest = rel.Info.Version, rel.Info.ImageDigest
		}
		if _, st, err := driver.Persisted(ro); err == nil {
			e.Reason = loop.Why(st)
		}
		out = append(out, e)
	}
	return out, nil
}
