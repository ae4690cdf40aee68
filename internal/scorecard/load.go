package scorecard

import (
	"context"

	"pinwheel.dev/pinwheel/internal/ledger"
)

// Ledger is what Load reads.
type Ledger interface {
	ledger.Builds
	ledger.Releases
	ledger.Rollouts
}

// Load reads the records of service (every service when "") from l. It
// reads the whole history: the previous period's releases and builds are
// needed to place this period's rollbacks and pipelines.
func Load(ctx context.Context, l Ledger, service string) (Records, error) {
	var (
		recs Records
		err  error
	)
	if recs.Builds, err = l.ListBuilds(ctx, service, 0); err != nil {
		return recs, err
	}
	if recs.Releases, err = l.ListReleases(ctx, service, 0); err != nil {
		return recs, err
	}
	recs.Rollouts, err = l.ListRollouts(ctx, service, 0)
	return recs, err
}
