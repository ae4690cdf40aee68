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
// "local" is the runtime `pinwheel up DIR` hosts. The kube target has no
// local runner: a controller drives its Releases (internal/kubecli).
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
	return Target{}, fmt.Errorf("--target %s: a controller drives Kubernetes releases; there is no local runner for it", kind)
}

// CheckTarget says whether kind names a target deploys can use; the error
// is an *inputerr.Error (exit 2).
func CheckTarget(kind string) error {
	if kind == "" || kind == "local" || IsKube(kind) {
		return nil
	}
	return &inputerr.Error{Msg: fmt.Sprintf("--target %q: unknown target (expected local or kube)", kind)}
}

// IsKube says whether kind names the Kubernetes target (kube, kubernetes
// or k8s).
func IsKube(kind string) bool {
	switch kind {
	case "kube", "kubernetes", "k8s":
		return true
	}
	return false
}
