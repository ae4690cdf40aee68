package kubee2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

var httpRouteGVK = schema.GroupVersionKind{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "HTTPRoute"}

// TestGatewayAPIRouteWeightsFollowTheRollout rolls a release out in
// gatewayAPI mode: the controller moves an HTTPRoute's backendRef weights
// (stable Service shop, canary Service shop-canary) through every step's
// weight, then promotes — the stable Service selects the new revision and
// takes all the traffic again.
func TestGatewayAPIRouteWeightsFollowTheRollout(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4)
	r.installHTTPRouteCRD()
	r.create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: r.Namespace},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "shop"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8000)}}}})
	route := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"metadata": map[string]any{"name": "shop", "namespace": r.Namespace},
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"name": "gw"}},
			"rules":      []any{map[string]any{"backendRefs": []any{map[string]any{"name": "shop", "port": int64(80)}}}},
		},
	}}
	r.create(route)
	r.startController(controller.Options{})

	rel := newRelease(r.Namespace, "shop-v2", imageV2, steps(weight(20), pause(2*time.Second), weight(50), pause(2*time.Second)))
	rel.Spec.Traffic = v1alpha1.Traffic{Mode: v1alpha1.TrafficGatewayAPI, HTTPRoute: "shop"}
	seen := r.watchRoute()
	r.create(rel)
	got := r.waitPhase(rel.Name, terminal...)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	r.waitRolledOut("shop")
	weights := seen()
	t.Logf("route weights seen (stable/canary): %v", weights)
	// In order: 20 %, then 50 %, then everything back on the stable Service.
	want := []string{"80/20", "50/50", "100/0"}
	i := 0
	for _, w := range weights {
		if i < len(want) && w == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Errorf("route weights %v: want %v in that order", weights, want)
	}
	// The canary's share only grows until the promoted release is stable.
	prev := int64(0)
	for _, w := range weights[:len(weights)-1] {
		var s, c int64
		if _, err := fmt.Sscanf(w, "%d/%d", &s, &c); err != nil {
			t.Fatalf("route weight %q: %v", w, err)
		}
		if c < prev {
			t.Errorf("canary weight went down %d -> %d before the end: %v", prev, c, weights)
		}
		prev = c
	}
	if last := weights[len(weights)-1]; last != "100/0" {
		t.Errorf("route ends at %s, want 100/0", last)
	}
	var svc corev1.Service
	if err := r.Client.Get(context.Background(), client.ObjectKey{Namespace: r.Namespace, Name: "shop"}, &svc); err != nil {
		t.Fatal(err)
	}
	if svc.Spec.Selector["pinwheel.dev/revision"] != "shop-v2" {
		t.Errorf("stable Service selector %v after promotion, want revision shop-v2", svc.Spec.Selector)
	}
}

// installHTTPRouteCRD installs the standard-channel HTTPRoute CRD.
func (r *rig) installHTTPRouteCRD() {
	r.t.Helper()
	r.InstallCRD(r.t, kubetest.HTTPRouteCRD(r.t))
}

// watchRoute polls the HTTPRoute shop and returns a func giving the
// distinct "stable/canary" weight pairs seen so far, in order (a backend
// without a weight counts as the API's default, 1; no canary backend as 0).
func (r *rig) watchRoute() func() []string {
	var mu sync.Mutex
	var seen []string
	ctx, cancel := context.WithCancel(context.Background())
	r.t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(httpRouteGVK)
			if err := r.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: "shop"}, u); err == nil {
				pair := routeWeights(u)
				mu.Lock()
				if n := len(seen); n == 0 || seen[n-1] != pair {
					seen = append(seen, pair)
				}
				mu.Unlock()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

func routeWeights(u *unstructured.Unstructured) string {
	rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "rules")
	if len(rules) == 0 {
		return "no rules"
	}
	refs, _ := rules[0].(map[string]any)["backendRefs"].([]any)
	stable, canary := int64(-1), int64(0)
	var other []string
	for _, ref := range refs {
		m, _ := ref.(map[string]any)
		w, ok := m["weight"].(int64)
		if !ok {
			w = 1
		}
		switch m["name"] {
		case "shop":
			stable = w
		case "shop-canary":
			canary = w
		default:
			other = append(other, fmt.Sprint(m["name"]))
		}
	}
	s := fmt.Sprintf("%d/%d", stable, canary)
	if len(other) > 0 {
		s += " +" + strings.Join(other, ",")
	}
	return s
}
