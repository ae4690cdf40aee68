package kube

import (
	"context"
	"testing"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// BenchmarkClusterApplyObserve is one driver tick on the real control
// plane: Apply of an unchanged Desired (gets, no-op updates) then Observe
// (gets and lists of ReplicaSets and pods) for a service with a canary.
func BenchmarkClusterApplyObserve(b *testing.B) {
	e := newEnv(b)
	e.deployStable(b, 4)
	tgt := New(e.c, e.cs, e.ns)
	v1, v2 := release("v1", digestA, nil), release("v2", digestB, nil)
	d := runtime.Desired{Service: "shop", Stable: &v1, Canary: &v2, CanaryWeight: 20, Replicas: 4, CanaryReplicas: 1}
	e.converge(b, tgt, d)
	ctx := context.Background()
	for b.Loop() {
		if err := tgt.Apply(ctx, d); err != nil {
			b.Fatal(err)
		}
		if _, err := tgt.Observe(ctx, "shop"); err != nil {
			b.Fatal(err)
		}
	}
}
