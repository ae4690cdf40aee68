package kube

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// IndexOwner is the cache field index WithOwnerIndex lists by: the UIDs of
// an object's owners (OwnerUIDs). Register it for ReplicaSets and pods on
// the cache the Target's client reads from.
const IndexOwner = "pinwheel.dev/owner"

// OwnerUIDs is IndexOwner's index function.
func OwnerUIDs(o client.Object) []string {
	refs := o.GetOwnerReferences()
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = string(r.UID)
	}
	return out
}

// WithOwnerIndex makes Observe find a service's ReplicaSets and pods
// through IndexOwner (Deployment → ReplicaSets → pods) instead of a label
// selector: with a cache-backed client a selector walks every object of
// the namespace, the index only the service's own. The client's cache must
// have IndexOwner registered for ReplicaSets and pods.
func WithOwnerIndex() Option { return func(t *Target) { t.ownerIndex = true } }

// replicaSetsAndPods lists the ReplicaSets of the Deployments owners and
// their pods; sel is the stable Deployment's selector, used without the
// owner index.
func (t *Target) replicaSetsAndPods(ctx context.Context, sel labels.Selector, owners []string) ([]appsv1.ReplicaSet, []corev1.Pod, error) {
	if !t.ownerIndex {
		in := []client.ListOption{client.InNamespace(t.ns), client.MatchingLabelsSelector{Selector: sel}}
		var sets appsv1.ReplicaSetList
		if err := t.c.List(ctx, &sets, in...); err != nil {
			return nil, nil, err
		}
		var pods corev1.PodList
		if err := t.c.List(ctx, &pods, in...); err != nil {
			return nil, nil, err
		}
		return sets.Items, pods.Items, nil
	}
	var sets []appsv1.ReplicaSet
	for _, uid := range owners {
		var l appsv1.ReplicaSetList
		if err := t.c.List(ctx, &l, client.InNamespace(t.ns), client.MatchingFields{IndexOwner: uid}); err != nil {
			return nil, nil, err
		}
		sets = append(sets, l.Items...)
	}
	var pods []corev1.Pod
	for _, rs := range sets {
		var l corev1.PodList
		if err := t.c.List(ctx, &l, client.InNamespace(t.ns), client.MatchingFields{IndexOwner: string(rs.UID)}); err != nil {
			return nil, nil, err
		}
		pods = append(pods, l.Items...)
	}
	return sets, pods, nil
}
