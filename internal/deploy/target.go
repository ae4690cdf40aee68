package deploy

import (
	"context"
	"fmt"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// Target is a runtime with the metrics provider that measures it.
type Target struct {
	runtime.Target
	Metrics metrics.Provider
	Name    string
}

// OpenTarget connects to the runtime named kind for the project in dir.
// "local" is the runtime `pinwheel up DIR` hosts.
func OpenTarget(ctx context.Context, kind, dir string) (Target, error) {
	switch kind {
	case "", "local":
		c, err := local.Dial(ctx, filepath.Join(dir, ".pinwheel"))
		if err != nil {
			return Target{}, fmt.Errorf("local target: %w", err)
		}
		return Target{Target: c, Metrics: c, Name: "local"}, nil
	}
	return Target{}, fmt.Errorf("--target %q: this build knows the local target only", kind)
}
