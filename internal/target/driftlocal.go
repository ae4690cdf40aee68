package target

import (
	"context"
	"errors"

	"pinwheel.dev/pinwheel/internal/drift"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// driftLedger is what checkLocalDrift reads.
type driftLedger interface {
	ledger.Releases
	ActiveRollout(ctx context.Context, service string) (ledger.Rollout, error)
	ListRollouts(ctx context.Context, service string, limit int) ([]ledger.Rollout, error)
}

// observer is the local runtime (nil when `pinwheel up` is not running).
type observer interface {
	Observe(ctx context.Context, service string) (runtime.Observed, error)
}

// checkLocalDrift checks service (every service of the ledger when "") on
// the local runtime against the ledger, and the bases of their live
// releases with resolve (nil: not checked).
func checkLocalDrift(ctx context.Context, l driftLedger, rt observer, service string, resolve drift.Resolver) (drift.Report, error) {
	var all drift.Report
	services := []string{service}
	if service == "" {
		var err error
		if services, err = l.Services(ctx); err != nil {
			return all, err
		}
	}
	if rt == nil {
		all.Skipped = append(all.Skipped, "local runtime: no `pinwheel up` runs beside this ledger")
	}
	var live []drift.Built
	for _, svc := range services {
		p := drift.Placed{Service: svc}
		rel, err := l.GetRelease(ctx, svc, "current")
		switch {
		case err == nil:
			p.Live = rel.ID
			live = append(live, drift.Built{ID: rel.ID, Service: rel.Service, BaseImage: rel.Info.BaseImage, BaseDigest: rel.Info.BaseDigest})
		case !errors.Is(err, ledger.ErrNotFound):
			return all, err
		}
		if ro, err := l.ActiveRollout(ctx, svc); err == nil {
			p.Active = &drift.Rollout{Release: ro.ReleaseID, From: ro.FromRelease}
		} else if !errors.Is(err, ledger.ErrNotFound) {
			return all, err
		}
		ros, err := l.ListRollouts(ctx, svc, 1)
		if err != nil {
			return all, err
		}
		if len(ros) == 1 {
			p.Latest = &drift.Rollout{Release: ros[0].ReleaseID, From: ros[0].FromRelease}
		}
		if rt != nil {
			obs, err := rt.Observe(ctx, svc)
			if err != nil {
				return all, err
			}
			all.Merge(drift.Local(p, obs))
		}
	}
	if resolve != nil {
		r, err := drift.Bases(ctx, live, resolve)
		if err != nil {
			return all, err
		}
		all.Merge(r)
	}
	all.Sort()
	return all, nil
}
