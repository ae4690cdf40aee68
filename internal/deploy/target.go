package deploy

import (
	"context"
	"fmt"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/inputerr"
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
	if err := CheckTarget(kind); err != nil {
		return Target{}, err
	}
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

// CheckTarget says whether kind names a target deploys can use today; the
// error is an *inputerr.Error (exit 2). kube has a runtime.Target but no
// controller to host it yet (docs/kube.md).
func CheckTarget(kind string) error {
	switch kind {
	case "", "local":
		return nil
	case "kube", "kubernetes", "k8s":
		return &inputerr.Error{Msg: fmt.Sprintf("--target %s is not yet available: the Kubernetes runtime has no controller to drive it yet (see docs/kube.md); use --target local, the runtime pinwheel up hosts", kind)}
	}
	return &inputerr.Error{Msg: fmt.Sprintf("--target %q: unknown target (expected local; kube is not yet available)", kind)}
}
