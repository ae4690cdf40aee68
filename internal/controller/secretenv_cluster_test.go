package controller

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// A Release's secretEnv reaches the service's pods as a reference to the
// Secret, through the canary and the promotion, never as a value; the next
// release that has none takes the variable away again.
func TestClusterSecretEnvPromoted(t *testing.T) {
	e := clusterEnv(t, 2)
	startController(t, e, Options{})
	ctx := context.Background()
	env := func() map[string]corev1.EnvVar {
		out := map[string]corev1.EnvVar{}
		for _, v := range deployment(t, e, "shop").Spec.Template.Spec.Containers[0].Env {
			out[v.Name] = v
		}
		return out
	}

	v2 := newRelease(e.Namespace, "shop-v2", imageB, weight(50))
	v2.Spec.SecretEnv = map[string]v1alpha1.SecretKeyRef{"DB_PASSWORD": {Name: "shop-db", Key: "password"}}
	if err := e.Client.Create(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if got := waitPhase(t, e, v2.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted); got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("shop-v2: phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	v, ok := env()["DB_PASSWORD"]
	if !ok || v.Value != "" || v.ValueFrom == nil || v.ValueFrom.SecretKeyRef == nil ||
		v.ValueFrom.SecretKeyRef.Name != "shop-db" || v.ValueFrom.SecretKeyRef.Key != "password" {
		t.Fatalf("stable DB_PASSWORD after shop-v2 = %+v, want valueFrom.secretKeyRef shop-db/password", v)
	}

	v3 := newRelease(e.Namespace, "shop-v3", imageC, weight(50))
	if err := e.Client.Create(ctx, v3); err != nil {
		t.Fatal(err)
	}
	if got := waitPhase(t, e, v3.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted); got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("shop-v3: phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	if v, ok := env()["DB_PASSWORD"]; ok {
		t.Fatalf("stable still has DB_PASSWORD after shop-v3: %+v", v)
	}
}
