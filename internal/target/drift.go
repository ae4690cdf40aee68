package target

import (
	"context"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/drift"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	localrt "pinwheel.dev/pinwheel/internal/runtime/local"
)

// DriftRequest is what `pinwheel drift` parsed.
type DriftRequest struct {
	// Service limits a local check to one service ("": every service).
	Service string
	// Bases looks the live releases' base images up again (local).
	Bases bool
}

// Drift compares what runs on the target o names with what was recorded
// (package drift): the namespace's Deployments on kube; the runtime of
// pinwheel up beside the ledger, and the live releases' bases, on local.
func Drift(ctx context.Context, o Options, r DriftRequest) (drift.Report, error) {
	t, err := Open(o)
	if err != nil {
		return drift.Report{}, err
	}
	if k, ok := t.(*kube); ok {
		_, c, ns, err := k.connect()
		if err != nil {
			return drift.Report{}, err
		}
		return drift.Kube(ctx, c, ns)
	}
	path := deploy.LedgerPath(o.Ledger, ".")
	store, err := ledgerdb.Open(ctx, path, ledger.ReadOnly())
	if err != nil {
		return drift.Report{}, err
	}
	defer store.Close()
	var rt observer
	if c, err := localrt.Dial(ctx, filepath.Dir(path)); err == nil {
		rt = c
	}
	var resolve drift.Resolver
	if r.Bases {
		resolve = drift.ResolveBases(filepath.Dir(filepath.Dir(path)))
	}
	return checkLocalDrift(ctx, store, rt, r.Service, resolve)
}
