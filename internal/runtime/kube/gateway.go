package kube

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Traffic says how one service's requests are split.
type Traffic struct {
	// Mode is "replicas" (default: canary pods behind the stable Service)
	// or "gatewayAPI" (HTTPRoute backendRef weights between two Services).
	Mode string
	// Service is the stable Service (default: the Deployment's name).
	Service string
	// HTTPRoute is the route whose backendRefs are weighted (gatewayAPI).
	HTTPRoute string
	// CanaryService selects the canary's pods (default "<service>-canary");
	// the Target creates it.
	CanaryService string
}

// The traffic modes.
const (
	ModeReplicas   = "replicas"
	ModeGatewayAPI = "gatewayAPI"
)

// WithTraffic sets how service's traffic is split (default: replicas).
func WithTraffic(service string, tr Traffic) Option {
	return func(t *Target) { t.traffic[service] = tr }
}

var httpRouteGVK = schema.GroupVersionKind{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "HTTPRoute"}

func (t *Target) trafficOf(service string) Traffic {
	tr := t.traffic[service]
	if tr.Mode == "" {
		tr.Mode = ModeReplicas
	}
	if tr.Service == "" {
		tr.Service = t.deploymentName(service)
	}
	if tr.CanaryService == "" {
		tr.CanaryService = tr.Service + "-canary"
	}
	return tr
}

// applyGateway points the stable Service at the stable release's pods, the
// canary Service at the canary's, and weights the HTTPRoute between them.
// A weight goes up only once the canary has all its replicas ready; it goes
// down at once. While a promotion rolls the stable Deployment, every request
// goes to the canary Service (which selects all pods of the promoted release).
func (t *Target) applyGateway(ctx context.Context, d runtime.Desired, stable, canary *appsv1.Deployment, subject kruntime.Object) error {
	tr := t.trafficOf(d.Service)
	var svc corev1.Service
	if err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: tr.Service}, &svc); err != nil {
		return fmt.Errorf("stable service %s: %w", tr.Service, err)
	}
	promoting := d.Canary == nil && d.Stable != nil && canary != nil &&
		canary.Annotations[AnnotationRelease] == d.Stable.ID && !rolledOut(stable)
	canaryRelease := ""
	weight := 0
	switch {
	case d.Canary != nil && d.Stable == nil:
		canaryRelease, weight = d.Canary.ID, 100
	case d.Canary != nil:
		canaryRelease, weight = d.Canary.ID, d.CanaryWeight
	case promoting:
		canaryRelease, weight = d.Stable.ID, 100
	}
	// Narrow the stable Service only once every stable pod carries the
	// revision label, or it would briefly select nothing.
	if d.Stable != nil && !promoting && rolledOut(stable) {
		if err := t.selectRelease(ctx, &svc, d.Stable.ID); err != nil {
			return err
		}
	}
	if canaryRelease != "" {
		if err := t.ensureCanaryService(ctx, &svc, tr.CanaryService, canaryRelease, stable); err != nil {
			return err
		}
	}
	route := &unstructured.Unstructured{}
	route.SetGroupVersionKind(httpRouteGVK)
	if err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: tr.HTTPRoute}, route); err != nil {
		return fmt.Errorf("httproute %s: %w", tr.HTTPRoute, err)
	}
	current, _ := routeCanaryWeight(route, tr.Service, tr.CanaryService)
	if weight > current && d.Canary != nil && (canary == nil || !rolledOut(canary)) {
		weight = current // the canary cannot take more yet
	}
	port := int64(8080)
	if len(svc.Spec.Ports) > 0 {
		port = int64(svc.Spec.Ports[0].Port)
	}
	changed, err := setRouteWeights(route, tr.Service, tr.CanaryService, port, weight)
	if err != nil || !changed {
		return err
	}
	if err := t.c.Update(ctx, route); err != nil {
		return fmt.Errorf("update httproute %s: %w", tr.HTTPRoute, err)
	}
	t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonWeightChanged, "httproute %s: canary weight %d%% -> %d%%", tr.HTTPRoute, current, weight)
	return nil
}

// selectRelease narrows svc's selector to release's pods.
func (t *Target) selectRelease(ctx context.Context, svc *corev1.Service, release string) error {
	if svc.Spec.Selector[LabelRevision] == RevisionLabel(release) {
		return nil
	}
	if svc.Spec.Selector == nil {
		svc.Spec.Selector = map[string]string{}
	}
	svc.Spec.Selector[LabelRevision] = RevisionLabel(release)
	if err := t.c.Update(ctx, svc); err != nil {
		return fmt.Errorf("service %s: select release %s: %w", svc.Name, release, err)
	}
	return nil
}

// ensureCanaryService makes name select release's pods on stable's ports.
func (t *Target) ensureCanaryService(ctx context.Context, stableSvc *corev1.Service, name, release string, stable *appsv1.Deployment) error {
	sel := maps.Clone(stableSvc.Spec.Selector)
	if sel == nil {
		sel = map[string]string{}
	}
	sel[LabelRevision] = RevisionLabel(release)
	want := corev1.ServiceSpec{Selector: sel, Type: corev1.ServiceTypeClusterIP}
	for _, p := range stableSvc.Spec.Ports {
		want.Ports = append(want.Ports, corev1.ServicePort{Name: p.Name, Protocol: p.Protocol, Port: p.Port, TargetPort: p.TargetPort})
	}
	var cur corev1.Service
	err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: name}, &cur)
	if apierrors.IsNotFound(err) {
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.ns, Labels: map[string]string{LabelService: stableSvc.Name},
				OwnerReferences: []metav1.OwnerReference{t.ownerRef(stable)}},
			Spec: want,
		}
		if err := t.c.Create(ctx, svc); err != nil {
			return fmt.Errorf("create canary service %s: %w", name, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("canary service %s: %w", name, err)
	}
	if equality.Semantic.DeepEqual(cur.Spec.Selector, want.Selector) {
		return nil
	}
	cur.Spec.Selector = want.Selector
	if err := t.c.Update(ctx, &cur); err != nil {
		return fmt.Errorf("update canary service %s: %w", name, err)
	}
	return nil
}

// setRouteWeights sets, in every rule of route, the backendRefs to stable
// and canary Services to 100-weight and weight (adding them where missing,
// on port), leaving other backends alone. It reports whether route changed.
func setRouteWeights(route *unstructured.Unstructured, stableSvc, canarySvc string, port int64, weight int) (bool, error) {
	rules, found, err := unstructured.NestedSlice(route.Object, "spec", "rules")
	if err != nil {
		return false, fmt.Errorf("httproute %s: spec.rules: %w", route.GetName(), err)
	}
	if !found || len(rules) == 0 {
		return false, fmt.Errorf("httproute %s has no rules to weight", route.GetName())
	}
	before := route.DeepCopy()
	for i, r := range rules {
		rule, ok := r.(map[string]any)
		if !ok {
			return false, fmt.Errorf("httproute %s: spec.rules[%d] is not an object", route.GetName(), i)
		}
		refs, _, _ := unstructured.NestedSlice(rule, "backendRefs")
		var kept []any
		for _, ref := range refs {
			m, _ := ref.(map[string]any)
			if name, _ := m["name"].(string); name == stableSvc || name == canarySvc {
				if p, ok := asInt64(m["port"]); ok {
					port = p
				}
				continue
			}
			kept = append(kept, ref)
		}
		kept = append(kept,
			map[string]any{"kind": "Service", "name": stableSvc, "port": port, "weight": int64(100 - weight)},
			map[string]any{"kind": "Service", "name": canarySvc, "port": port, "weight": int64(weight)})
		rule["backendRefs"] = kept
		rules[i] = rule
	}
	if err := unstructured.SetNestedSlice(route.Object, rules, "spec", "rules"); err != nil {
		return false, err
	}
	return !equality.Semantic.DeepEqual(before.Object["spec"], route.Object["spec"]), nil
}

// routeCanaryWeight is the canary's percentage in route's first rule.
func routeCanaryWeight(route *unstructured.Unstructured, stableSvc, canarySvc string) (int, bool) {
	rules, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules")
	if len(rules) == 0 {
		return 0, false
	}
	rule, _ := rules[0].(map[string]any)
	refs, _, _ := unstructured.NestedSlice(rule, "backendRefs")
	var s, c int64
	found := false
	for _, ref := range refs {
		m, _ := ref.(map[string]any)
		w, ok := asInt64(m["weight"])
		if !ok {
			w = 1 // the Gateway API default
		}
		switch m["name"] {
		case stableSvc:
			s, found = s+w, true
		case canarySvc:
			c, found = c+w, true
		}
	}
	if !found || s+c == 0 {
		return 0, found
	}
	return int(c * 100 / (s + c)), true
}

// observeGateway reports the route's canary weight as the weight in
// effect; the service has not converged while the route or the stable
// Service's selector lag behind.
func (t *Target) observeGateway(ctx context.Context, service string, obs *runtime.Observed, canary *appsv1.Deployment) error {
	tr := t.trafficOf(service)
	route := &unstructured.Unstructured{}
	route.SetGroupVersionKind(httpRouteGVK)
	if err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: tr.HTTPRoute}, route); err != nil {
		return fmt.Errorf("httproute %s: %w", tr.HTTPRoute, err)
	}
	var svc corev1.Service
	if err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: tr.Service}, &svc); err != nil {
		return fmt.Errorf("stable service %s: %w", tr.Service, err)
	}
	if obs.Stable != "" && svc.Spec.Selector[LabelRevision] != RevisionLabel(obs.Stable) {
		obs.Converged = false // the stable Service does not select the stable release yet
	}
	w, _ := routeCanaryWeight(route, tr.Service, tr.CanaryService)
	if canary != nil && ptr.Deref(canary.Spec.Replicas, 0) > 0 {
		obs.CanaryWeight = w
		want := canary.Annotations[AnnotationWeight]
		if obs.Stable != "" { // a first deploy sends everything to the canary
			obs.Converged = obs.Converged && want == fmt.Sprint(w)
		}
	}
	return nil
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		return int64(n), true
	}
	return 0, false
}
