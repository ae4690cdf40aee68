package target

import (
	"context"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/verify"
)

// admitSignature refuses (exit 2) to roll out image — an oci:PATH@sha256:…
// (local) or REPO@sha256:… (kube) reference; "" for a run from source —
// when the project's signing.requireSignedProvenance is set and the
// image's attestations do not verify with signing.publicKey: signature,
// subject digest, builder and the lock hash of the project's lock.
func admitSignature(ctx context.Context, cfg *config.Config, image string) error {
	if !cfg.Signing.RequireSignedProvenance {
		return nil
	}
	line, col := cfg.Pos("signing.requireSignedProvenance")
	refuse := func(msg string) error {
		return &inputerr.Error{Path: cfg.Path, Line: line, Col: col, Msg: "signing.requireSignedProvenance: " + msg}
	}
	if image == "" {
		return refuse("a run from source has no signed provenance; deploy an image built with pinwheel build --sign-key")
	}
	p, err := verify.ProjectPolicy(cfg)
	if err != nil {
		return err
	}
	r, err := verify.Image(ctx, image, p)
	if err != nil {
		return err
	}
	if !r.Verified {
		return refuse("refusing " + image + ": its attestations do not verify (pinwheel verify " + image + " --project " + cfg.Dir + "):\n  " + strings.Join(r.Problems, "\n  "))
	}
	return nil
}

// admitLocal is admitSignature for what a local deploy names: --image,
// --source, or a --release from the ledger (its recorded image). A resumed
// rollout was admitted when it started.
func admitLocal(ctx context.Context, store ledger.Store, proj *deploy.Project, r DeployRequest) error {
	switch {
	case r.Resume || !proj.Config.Signing.RequireSignedProvenance:
		return nil
	case r.Release != "":
		rel, err := store.GetRelease(ctx, proj.Config.Service, r.Release)
		if err != nil {
			return nil // resolveRelease reports an unknown release
		}
		return admitSignature(ctx, proj.Config, rel.ImageRef)
	}
	return admitSignature(ctx, proj.Config, r.Image)
}
