package target

import (
	"context"
	"errors"
	"fmt"
	"os"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/gate"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// admitGatesLocal applies policy.requireGates to what a local deploy names,
// before a release is recorded: the image's newest gate run in the ledger
// must have passed every gate. A resumed rollout was admitted when it
// started; a source run has no image, so no gates could have run.
func admitGatesLocal(ctx context.Context, store ledger.Store, proj *deploy.Project, r DeployRequest) error {
	need, gates, err := requiredGates(proj.Config)
	if err != nil || !need || r.Resume {
		return err
	}
	var digest string
	switch {
	case r.Source:
		return no("policy.requireGates: --source runs no image, so no gates ran for it; build an image, run pinwheel gate on it and deploy --image")
	case r.Image != "":
		a, err := deploy.ParseImage(r.Image)
		if err != nil {
			return usage("%v", err)
		}
		if _, digest, err = deploy.ReadLayout(a.Layout, a.Digest); err != nil {
			return err
		}
	case r.Release != "":
		rel, err := store.GetRelease(ctx, proj.Config.Service, r.Release)
		if err != nil {
			return err
		}
		if digest = rel.Info.ImageDigest; digest == "" {
			return no("policy.requireGates: release %s runs no image, so no gates ran for it", rel.ID)
		}
	}
	return refused(gate.Admit(ctx, store, digest, gates))
}

// admitGatesKube applies policy.requireGates to the image of a kube deploy
// before its Release is created, reading the gate results from the ledger
// at path — a SQLite file or a shared PostgreSQL ledger — where pinwheel
// gate recorded them.
func admitGatesKube(ctx context.Context, cfg *config.Config, path, digest string) error {
	need, gates, err := requiredGates(cfg)
	if err != nil || !need {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !ledgerdb.IsShared(path) {
		return no("policy.requireGates: image %s has no gate results: no ledger at %s (run pinwheel gate IMAGE, or pass --ledger)", digest, ledgerdb.Display(path))
	}
	store, err := ledgerdb.Open(ctx, path, ledger.ReadOnly())
	if err != nil {
		return err
	}
	defer store.Close()
	return refused(gate.Admit(ctx, store, digest, gates))
}

// requiredGates says whether pinwheel.yaml requires gates, and which.
func requiredGates(cfg *config.Config) (bool, config.Gates, error) {
	pol, err := cfg.PolicySection()
	if err != nil || !pol.RequireGates {
		return false, nil, err
	}
	gates, err := cfg.GatesSection()
	return true, gates, err
}

// refused turns a gate refusal into the command's answer (exit 1).
func refused(err error) error {
	var re *gate.RefusedError
	if errors.As(err, &re) {
		return &No{Err: fmt.Errorf("%w; deploy refused", re)}
	}
	return err
}
