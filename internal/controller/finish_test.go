package controller

import (
	"context"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// countingTracker counts the reports filed with it.
type countingTracker struct{ filed atomic.Int32 }

func (c *countingTracker) File(context.Context, notify.Issue) (notify.Filed, error) {
	n := c.filed.Add(1)
	return notify.Filed{Location: "issue", Number: int(n)}, nil
}
func (*countingTracker) MaxBody() int { return 0 }
func (*countingTracker) Name() string { return "counting" }

// laggingCache is the manager's cache that never catches up: its Get
// always returns the Release as it was first seen; writes go through.
type laggingCache struct {
	client.Client
	first *v1alpha1.Release
}

func (l laggingCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	rel, ok := obj.(*v1alpha1.Release)
	if !ok {
		return l.Client.Get(ctx, key, obj, opts...)
	}
	l.first.DeepCopyInto(rel)
	return nil
}

// A rolled-back Release is finished once: when the next turn's cached copy
// still shows the rollout unfinished (the cache lags behind the
// controller's own writes), the reconciler reads the API server instead of
// filing the remediation report again. Found by the soak: two issues for
// one rollback under load.
func TestRemediationFiledOnceWhenTheCacheLags(t *testing.T) {
	scheme, err := kubetest.Scheme()
	if err != nil {
		t.Fatal(err)
	}
	rel := &v1alpha1.Release{
		ObjectMeta: metav1.ObjectMeta{Name: "shop-v2", Namespace: "ns", UID: "uid-1", Finalizers: []string{Finalizer}},
		Spec:       v1alpha1.ReleaseSpec{Service: "shop", Image: "registry.invalid/shop@sha256:2222"},
	}
	var p plan
	p.Status.Phase = rollout.RolledBack
	p.Canary.ID = "shop-v2"
	if err := storePlan(rel, p); err != nil {
		t.Fatal(err)
	}
	api := fake.NewClientBuilder().WithScheme(scheme).WithObjects(rel.DeepCopy()).WithStatusSubresource(&v1alpha1.Release{}).Build()
	first := &v1alpha1.Release{}
	if err := api.Get(context.Background(), client.ObjectKeyFromObject(rel), first); err != nil {
		t.Fatal(err)
	}
	tr := &countingTracker{}
	r := NewReconciler(laggingCache{Client: api, first: first}, nil, record.NewFakeRecorder(100), Options{Tracker: tr})
	r.reader = api
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(rel)}
	for turn := 1; turn <= 3; turn++ {
		if _, err := r.Reconcile(context.Background(), req); err != nil {
			t.Fatalf("turn %d: %v", turn, err)
		}
	}
	if n := tr.filed.Load(); n != 1 {
		t.Errorf("%d remediation reports filed for one rollback, want 1", n)
	}
	var got v1alpha1.Release
	if err := api.Get(context.Background(), req.NamespacedName, &got); err != nil {
		t.Fatal(err)
	}
	if gp, _, _ := loadPlan(&got); !gp.Finished || len(got.Finalizers) != 0 {
		t.Errorf("after the turns: finished %v, finalizers %v", gp.Finished, got.Finalizers)
	}
}
