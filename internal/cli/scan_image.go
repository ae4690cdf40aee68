package cli

import (
	"context"

	"pinwheel.dev/pinwheel/internal/imagepkgs"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// imagePackages lists a built image's packages (its SBOM, else its layers).
func imagePackages(ctx context.Context, ref string) ([]vuln.Located, error) {
	res, err := imagepkgs.List(ctx, ref)
	return res.Packages, err
}
