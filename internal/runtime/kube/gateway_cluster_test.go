package kube

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// installHTTPRouteCRD installs the Gateway API's HTTPRoute CRD.
func (e *env) installHTTPRouteCRD(t testing.TB) {
	t.Helper()
	e.applyCRD(t, kubetest.HTTPRouteCRD(t))
}

func (e *env) applyCRD(t testing.TB, b []byte) {
	t.Helper()
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var crd unstructured.Unstructured
	if err := crd.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var cur unstructured.Unstructured
	cur.SetGroupVersionKind(crd.GroupVersionKind())
	if err := e.c.Get(ctx, client.ObjectKey{Name: crd.GetName()}, &cur); err == nil {
		crd.SetResourceVersion(cur.GetResourceVersion())
		err = e.c.Update(ctx, &crd)
		if err != nil {
			t.Fatal(err)
		}
	} else if err := e.c.Create(ctx, &crd); err != nil {
		t.Fatal(err)
	}
	eventually(t, crd.GetName()+" established", func() (bool, string) {
		if err := e.c.Get(ctx, client.ObjectKey{Name: crd.GetName()}, &cur); err != nil {
			return false, err.Error()
		}
		conds, _, _ := unstructured.NestedSlice(cur.Object, "status", "conditions")
		for _, c := range conds {
			if m, _ := c.(map[string]any); m["type"] == "Established" && m["status"] == "True" {
				return true, ""
			}
		}
		return false, fmt.Sprint(conds)
	})
}

func (e *env) routeWeights(t testing.TB) (stable, canary int64) {
	t.Helper()
	r := &unstructured.Unstructured{}
	r.SetGroupVersionKind(httpRouteGVK)
	if err := e.c.Get(context.Background(), client.ObjectKey{Namespace: e.ns, Name: "shop"}, r); err != nil {
		t.Fatal(err)
	}
	rules, _, _ := unstructured.NestedSlice(r.Object, "spec", "rules")
	for _, ref := range rules[0].(map[string]any)["backendRefs"].([]any) {
		m := ref.(map[string]any)
		switch m["name"] {
		case "shop":
			stable, _ = asInt64(m["weight"])
		case "shop-canary":
			canary, _ = asInt64(m["weight"])
		}
	}
	return stable, canary
}

func (e *env) service(t testing.TB, name string) *corev1.Service {
	t.Helper()
	var s corev1.Service
	if err := e.c.Get(context.Background(), client.ObjectKey{Namespace: e.ns, Name: name}, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func TestClusterGatewayAPI(t *testing.T) {
	e := newEnv(t)
	e.installHTTPRouteCRD(t)
	e.deployStable(t, 3)
	ctx := context.Background()
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: e.ns},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "shop"}, Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8000)}}}}
	if err := e.c.Create(ctx, svc); err != nil {
		t.Fatal(err)
	}
	route := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"metadata": map[string]any{"name": "shop", "namespace": e.ns},
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"name": "gw"}},
			"rules":      []any{map[string]any{"backendRefs": []any{map[string]any{"name": "shop", "port": int64(80)}}}},
		},
	}}
	if err := e.c.Create(ctx, route); err != nil {
		t.Fatal(err)
	}
	tgt := New(e.c, e.cs, e.ns, WithRecorder(e.rec), WithTraffic("shop", Traffic{Mode: ModeGatewayAPI, HTTPRoute: "shop"}))
	v1, v2 := release("v1", digestA, nil), release("v2", digestB, nil)

	obs := e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v1, Canary: &v2, CanaryWeight: 20, Replicas: 3, CanaryReplicas: 1})
	if s, c := e.routeWeights(t); s != 80 || c != 20 || obs.CanaryWeight != 20 {
		t.Fatalf("route weights stable %d canary %d, observed %d; want 80/20", s, c, obs.CanaryWeight)
	}
	if sel := e.service(t, "shop").Spec.Selector; sel["app"] != "shop" || sel[LabelRevision] != "v1" {
		t.Fatalf("stable service selector = %v", sel)
	}
	cs := e.service(t, "shop-canary")
	if cs.Spec.Selector["app"] != "shop" || cs.Spec.Selector[LabelRevision] != "v2" || cs.Spec.Ports[0].Port != 80 || len(cs.OwnerReferences) != 1 {
		t.Fatalf("canary service = %+v", cs.Spec)
	}

	// Promotion ends with everything on the stable Service, now selecting v2.
	obs = e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v2, Replicas: 3})
	if s, c := e.routeWeights(t); s != 100 || c != 0 || obs.Stable != "v2" {
		t.Fatalf("after promotion: route %d/%d, observed %+v", s, c, obs)
	}
	if sel := e.service(t, "shop").Spec.Selector; sel[LabelRevision] != "v2" {
		t.Fatalf("stable service selector after promotion = %v", sel)
	}

	// A rollback takes the canary's weight away in the same Apply.
	v3 := release("v3", digestA, nil)
	e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v2, Canary: &v3, CanaryWeight: 50, Replicas: 3, CanaryReplicas: 2})
	if _, c := e.routeWeights(t); c != 50 {
		t.Fatalf("canary weight = %d, want 50", c)
	}
	if err := tgt.Apply(ctx, runtime.Desired{Service: "shop", Stable: &v2, Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	if s, c := e.routeWeights(t); s != 100 || c != 0 {
		t.Fatalf("right after rollback: route %d/%d, want 100/0", s, c)
	}
}
