// Package fromledger lists the running releases the ledger records, for
// vulnwatch and pinwheel scan --releases. It is apart from vulnwatch so the
// controller, which keeps its state in Release objects, does not reach the
// SQLite ledger.
package fromledger

import (
	"context"
	"fmt"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/imagepkgs"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/vuln"
	"pinwheel.dev/pinwheel/internal/vulnwatch"
)

// releasesPerService bounds how far back FromLedger looks for running
// releases of one service.
const releasesPerService = 50

// Releases lists the running releases the ledger records: for each
// service, the live release and any still rolling out. A release's
// packages come from its image (attached SBOM, else layers) when its
// image reference opens here, else from its lock snapshot with the
// selection of its pinwheel.yaml snapshot.
func Releases(ctx context.Context, store ledger.Store) ([]vulnwatch.Release, error) {
	services, err := store.Services(ctx)
	if err != nil {
		return nil, err
	}
	var out []vulnwatch.Release
	for _, svc := range services {
		rels, err := store.ListReleases(ctx, svc, releasesPerService)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if r.State != ledger.ReleaseLive && r.State != ledger.ReleaseRolling {
				continue
			}
			rel, err := fromLedgerRelease(ctx, r)
			if err != nil {
				return nil, fmt.Errorf("release %s: %w", r.ID, err)
			}
			out = append(out, rel)
		}
	}
	return out, nil
}

func fromLedgerRelease(ctx context.Context, r ledger.Release) (vulnwatch.Release, error) {
	rel := vulnwatch.Release{ID: r.ID, Service: r.Service, Digest: r.Info.ImageDigest, Info: r.Info}
	if r.ImageRef != "" {
		if res, err := imagepkgs.List(ctx, r.ImageRef); err == nil {
			rel.Digest, rel.Packages = res.Digest, res.Packages
			return rel, nil
		}
	}
	if rel.Digest == "" {
		if _, d, ok := strings.Cut(r.ImageRef, "@"); ok {
			rel.Digest = d
		}
	}
	if rel.Digest == "" {
		rel.Digest = r.ID // a source run has no image: its id keys the state
	}
	if r.Lock == nil {
		return rel, nil
	}
	var cfg *config.Config
	if len(r.Config) > 0 {
		c, err := config.Parse(r.ID+" config", r.Config)
		if err != nil {
			return rel, err
		}
		cfg = c
	} else {
		cfg = config.Defaults()
	}
	sel, err := cfg.Select(r.Lock)
	if err != nil {
		return rel, err
	}
	rel.Packages = vuln.FromLock(r.Lock, sel)
	return rel, nil
}
