package controller

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// A controller pointed at a lease namespace that does not exist says so
// at once; an existing one passes, and the check writes no Lease.
func TestCheckLeaseNamespace(t *testing.T) {
	e := clusterEnv(t, 1)
	ctx := context.Background()
	err := CheckLeaseNamespace(ctx, e.Config, "no-such-namespace-here", "pinwheel-controller")
	if err == nil || !strings.Contains(err.Error(), "the lease namespace no-such-namespace-here does not exist: create it (kubectl create namespace no-such-namespace-here)") {
		t.Fatalf("missing namespace: %v", err)
	}
	if err := CheckLeaseNamespace(ctx, e.Config, e.Namespace, "pinwheel-controller"); err != nil {
		t.Fatalf("existing namespace: %v", err)
	}
	cs := kubernetes.NewForConfigOrDie(e.Config)
	if _, err := cs.CoordinationV1().Leases(e.Namespace).Get(ctx, "pinwheel-controller", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the check wrote a Lease (or failed to look): %v", err)
	}
}
