package cli

import (
	"context"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/imagepkgs"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/vuln"
	"pinwheel.dev/pinwheel/internal/vulnwatch/fromledger"
)

// imagePackages lists a built image's packages (its SBOM, else its layers).
func imagePackages(ctx context.Context, ref string) ([]vuln.Located, error) {
	res, err := imagepkgs.List(ctx, ref)
	return res.Packages, err
}

// releasePackages lists the packages of the running releases in the
// ledger, each located as "RELEASE FILE".
func releasePackages(ctx context.Context, flag string) ([]vuln.Located, error) {
	store, err := ledgerdb.Open(ctx, deploy.LedgerPath(flag, "."), ledger.ReadOnly())
	if err != nil {
		return nil, err
	}
	defer store.Close()
	rels, err := fromledger.Releases(ctx, store)
	if err != nil {
		return nil, err
	}
	var out []vuln.Located
	for _, r := range rels {
		for _, p := range r.Packages {
			p.At.File = r.ID + " " + p.At.File
			out = append(out, p)
		}
	}
	return out, nil
}
