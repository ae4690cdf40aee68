package kube

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const routeYAML = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs:
    - {name: shop, port: 80}
    - {name: mirror, port: 81, weight: 0}
  - backendRefs:
    - {name: shop, port: 80, weight: 7}
`

func route(t *testing.T) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(routeYAML))
	if err != nil {
		t.Fatal(err)
	}
	var u unstructured.Unstructured
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return &u
}

func TestSetRouteWeights(t *testing.T) {
	r := route(t)
	if w, found := routeCanaryWeight(r, "shop", "shop-canary"); !found || w != 0 {
		t.Fatalf("initial canary weight = %d, %v", w, found)
	}
	changed, err := setRouteWeights(r, "shop", "shop-canary", 8080, 20)
	if err != nil || !changed {
		t.Fatalf("setRouteWeights: changed=%v err=%v", changed, err)
	}
	rules, _, _ := unstructured.NestedSlice(r.Object, "spec", "rules")
	for i, rule := range rules {
		refs := rule.(map[string]any)["backendRefs"].([]any)
		last := refs[len(refs)-2:]
		s, c := last[0].(map[string]any), last[1].(map[string]any)
		if s["name"] != "shop" || s["weight"] != int64(80) || s["port"] != int64(80) ||
			c["name"] != "shop-canary" || c["weight"] != int64(20) || c["port"] != int64(80) {
			t.Fatalf("rule %d refs = %v", i, refs)
		}
		if i == 0 && (len(refs) != 3 || refs[0].(map[string]any)["name"] != "mirror") {
			t.Fatalf("rule 0 lost its other backend: %v", refs)
		}
	}
	if w, _ := routeCanaryWeight(r, "shop", "shop-canary"); w != 20 {
		t.Fatalf("canary weight = %d, want 20", w)
	}
	if changed, _ := setRouteWeights(r, "shop", "shop-canary", 8080, 20); changed {
		t.Fatal("setting the same weights again reported a change")
	}
	if _, err := setRouteWeights(&unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{}}}, "a", "b", 80, 5); err == nil {
		t.Fatal("a route without rules was accepted")
	}
}
