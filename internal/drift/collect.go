package drift

import (
	"context"
	"errors"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Ledger is what CheckLocal reads.
type Ledger interface {
	ledger.Releases
	ActiveRollout(ctx context.Context, service string) (ledger.Rollout, error)
	ListRollouts(ctx context.Context, service string, limit int) ([]ledger.Rollout, error)
}

// Observer is the local runtime (nil when `pinwheel up` is not running).
type Observer interface {
	Observe(ctx context.Context, service string) (runtime.Observed, error)
}

// CheckLocal checks service (every service of the ledger when "") on the
// local runtime against the ledger, and the bases of their live releases
// with resolve (nil: not checked).
func CheckLocal(ctx context.Context, l Ledger, rt Observer, service string, resolve Resolver) (Report, error) {
	var all Report
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
	var live []ledger.Release
	for _, svc := range services {
		p := Placed{Service: svc}
		rel, err := l.GetRelease(ctx, svc, "current")
		switch {
		case err == nil:
			p.Live = rel.ID
			live = append(live, rel)
		case !errors.Is(err, ledger.ErrNotFound):
			return all, err
		}
		if ro, err := l.ActiveRollout(ctx, svc); err == nil {
			p.Active = &ro
		} else if !errors.Is(err, ledger.ErrNotFound) {
			return all, err
		}
		ros, err := l.ListRollouts(ctx, svc, 1)
		if err != nil {
			return all, err
		}
		if len(ros) == 1 {
			p.Latest = &ros[0]
		}
		if rt != nil {
			obs, err := rt.Observe(ctx, svc)
			if err != nil {
				return all, err
			}
			all.merge(Local(p, obs))
		}
	}
	if resolve != nil {
		r, err := Bases(ctx, live, resolve)
		if err != nil {
			return all, err
		}
		all.merge(r)
	}
	all.Sort()
	return all, nil
}

func (r *Report) merge(o Report) {
	r.Findings = append(r.Findings, o.Findings...)
	r.Checked = append(r.Checked, o.Checked...)
	r.Skipped = append(r.Skipped, o.Skipped...)
}
