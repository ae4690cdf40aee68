package build

import (
	"fmt"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
)

// attach renders the provenance statement and the SBOM for res.
func attach(res *Result, cfg *config.Config, in *inputs) error {
	prov, err := attest.Provenance(attest.ProvenanceInput{
		Info:               res.BuildInfo,
		SubjectName:        cfg.Service,
		ExternalParameters: in.params,
		Materials:          res.Materials,
	})
	if err != nil {
		return err
	}
	res.Provenance = prov
	if in.lock == nil {
		return nil
	}
	sel, err := cfg.Select(in.lock)
	if err != nil {
		return err
	}
	opts := []attest.SBOMOption{attest.WithCreated(in.epoch), attest.WithSelection(sel)}
	if in.debian != nil {
		opts = append(opts, attest.WithOSPackages(osPackages(in.debian.Lock)))
	}
	sbom, err := attest.CycloneDX(in.lock, attest.Subject{Name: cfg.Service, Version: res.BuildInfo.Version, ImageDigest: res.Digest}, opts...)
	if err != nil {
		return fmt.Errorf("sbom: %w", err)
	}
	res.SBOM = sbom
	return nil
}
