package kube

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// secretEnv renders as valueFrom.secretKeyRef on the canary's container —
// the template names the Secret, never a value — and the next release
// takes it away like any variable a release added.
func TestSecretEnvRendersSecretKeyRef(t *testing.T) {
	rel := release("v2", digestB, map[string]string{"FEATURE": "on"})
	rel.SecretEnv = map[string]runtime.SecretRef{
		"DB_PASSWORD": {FromEnv: "PG_PASS", SecretKeyRef: &runtime.SecretKeyRef{Name: "shop-db", Key: "password"}},
	}
	c, err := canaryDeployment(stableDeployment("ns", "shop", 2), "shop", "shop", rel, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := c.Spec.Template
	var got *corev1.EnvVar
	for i, e := range tmpl.Spec.Containers[1].Env {
		if e.Name == "DB_PASSWORD" {
			got = &tmpl.Spec.Containers[1].Env[i]
		}
	}
	if got == nil || got.Value != "" || got.ValueFrom == nil || got.ValueFrom.SecretKeyRef == nil ||
		got.ValueFrom.SecretKeyRef.Name != "shop-db" || got.ValueFrom.SecretKeyRef.Key != "password" {
		t.Fatalf("DB_PASSWORD = %+v, want valueFrom.secretKeyRef shop-db/password", got)
	}
	if a := tmpl.Annotations[AnnotationEnv]; a != "DB_PASSWORD,FEATURE" {
		t.Errorf("%s = %q", AnnotationEnv, a)
	}

	d := stableDeployment("ns", "shop", 2)
	if _, err := promote(d, "shop", rel, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := promote(d, "shop", release("v3", digestA, nil), 2); err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Spec.Template.Spec.Containers[1].Env {
		if e.Name == "DB_PASSWORD" {
			t.Fatalf("v3 still has DB_PASSWORD: %+v", e)
		}
	}

	local := release("v4", digestB, nil)
	local.SecretEnv = map[string]runtime.SecretRef{"TOKEN": {FromFile: "secrets/token"}}
	if _, err := canaryDeployment(stableDeployment("ns", "shop", 2), "shop", "shop", local, 1, 10); err == nil ||
		!strings.Contains(err.Error(), "secretEnv TOKEN has no secretKeyRef") {
		t.Fatalf("a local-only reference: err = %v", err)
	}
}
