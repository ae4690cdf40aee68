package kube

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// installCRD installs the Release CRD (deploy/crd) and waits until it is
// established, returning a client that knows the Release kind.
func (e *env) installCRD(t testing.TB) client.Client {
	t.Helper()
	e.InstallReleaseCRD(t)
	e.c = e.Client
	return e.c
}

func sampleRelease(ns string) *v1alpha1.Release {
	w := int32(20)
	return &v1alpha1.Release{
		ObjectMeta: metav1.ObjectMeta{Name: "shop-v2", Namespace: ns},
		Spec: v1alpha1.ReleaseSpec{
			Service: "shop", Image: digestB,
			BuildInfo: v1alpha1.BuildInfo{Service: "shop", LockHash: "sha256:1111", GitCommit: "0123456789abcdef"},
			Strategy: v1alpha1.Strategy{
				Steps:  []v1alpha1.Step{{SetWeight: &w}, {Analysis: &v1alpha1.AnalysisStep{Checks: []string{"errors"}}}},
				Checks: []v1alpha1.Check{{Name: "errors", Kind: "threshold", Query: "sum(rate(errors[1m]))", Max: ptrTo(0.01)}},
			},
		},
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestClusterReleaseCRD(t *testing.T) {
	e := newEnv(t)
	c := e.installCRD(t)
	ctx := context.Background()

	rel := sampleRelease(e.ns)
	if err := c.Create(ctx, rel); err != nil {
		t.Fatalf("create release: %v", err)
	}
	if rel.Spec.Traffic.Mode != v1alpha1.TrafficReplicas {
		t.Fatalf("traffic mode defaulted to %q", rel.Spec.Traffic.Mode)
	}
	// Status goes through the status subresource and survives a read.
	st := rollout.NewStatus("v1", "v2")
	st.Phase, st.StepIndex, st.CanaryWeight, st.Message = rollout.Analyzing, 1, 20, "round 1 passed"
	if err := rel.Status.SetEngineStatus(st, 2, rel.Generation); err != nil {
		t.Fatal(err)
	}
	if err := c.Status().Update(ctx, rel); err != nil {
		t.Fatalf("status update: %v", err)
	}
	var got v1alpha1.Release
	if err := c.Get(ctx, client.ObjectKeyFromObject(rel), &got); err != nil {
		t.Fatal(err)
	}
	back, ok, err := got.Status.EngineStatus()
	if err != nil || !ok || back.Phase != rollout.Analyzing || back.CanaryRelease != "v2" || got.Status.CanaryWeight != 20 || len(got.Status.Conditions) != 5 {
		t.Fatalf("status read back: %+v (engine %+v, %v)", got.Status, back, err)
	}

	// The API server enforces the schema's rules.
	rejects := []struct {
		name   string
		mutate func(*v1alpha1.Release)
		want   string
	}{
		{"tag_not_digest", func(r *v1alpha1.Release) { r.Spec.Image = "registry.invalid/shop:latest" }, "spec.image"},
		{"gateway_without_route", func(r *v1alpha1.Release) { r.Spec.Traffic.Mode = v1alpha1.TrafficGatewayAPI }, "gatewayAPI mode needs httpRoute"},
		{"step_with_two_kinds", func(r *v1alpha1.Release) { r.Spec.Strategy.Steps[0].Pause = &v1alpha1.PauseStep{} }, "spec.strategy.steps[0]"},
		{"weight_over_100", func(r *v1alpha1.Release) { r.Spec.Strategy.Steps[0].SetWeight = ptrTo(int32(120)) }, "setWeight"},
		{"unknown_check_kind", func(r *v1alpha1.Release) { r.Spec.Strategy.Checks[0].Kind = "vibes" }, "kind"},
	}
	for _, tt := range rejects {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRelease(e.ns)
			r.Name = "bad-" + strings.ReplaceAll(tt.name, "_", "-")
			tt.mutate(r)
			err := c.Create(ctx, r)
			if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("create = %v, want Invalid mentioning %q", err, tt.want)
			}
		})
	}
	got.Spec.Image = digestA
	if err := c.Update(ctx, &got); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "image is immutable") {
		t.Fatalf("changing the image = %v, want immutable", err)
	}

	// kubectl get shows the printer columns.
	out, err := exec.Command(kubetest.Kubectl(t), "--kubeconfig", e.Kubeconfig, "-n", e.ns, "get", "releases").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl get releases: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || strings.Join(strings.Fields(lines[0]), " ") != "NAME SERVICE PHASE STEP WEIGHT AGE" ||
		!strings.HasPrefix(strings.Join(strings.Fields(lines[1]), " "), "shop-v2 shop Analyzing 1 20 ") {
		t.Fatalf("kubectl get releases:\n%s", out)
	}
}
