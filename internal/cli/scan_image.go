package cli

import (
	"context"

	"pinwheel.dev/pinwheel/internal/vuln"
)

func imagePackages(ctx context.Context, ref string) ([]vuln.Located, error) {
	return nil, usageError("--image: not yet")
}
