package kube

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Observe reports the service's releases from its ReplicaSets (desired and
// ready replicas per release) and pods (restarts, addresses). A service
// whose stable Deployment does not exist has no releases.
func (t *Target) Observe(ctx context.Context, service string) (runtime.Observed, error) {
	obs := runtime.Observed{Service: service, Releases: map[string]runtime.ReleaseState{}}
	name := t.deploymentName(service)
	var stable appsv1.Deployment
	err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: name}, &stable)
	if apierrors.IsNotFound(err) {
		return obs, nil
	}
	if err != nil {
		return obs, fmt.Errorf("observe %s: %w", service, err)
	}
	canary, err := t.canary(ctx, name)
	if err != nil {
		return obs, fmt.Errorf("observe %s: %w", service, err)
	}
	sel, err := metav1.LabelSelectorAsSelector(stable.Spec.Selector)
	if err != nil {
		return obs, fmt.Errorf("observe %s: selector of %s: %w", service, name, err)
	}
	owned := ownedBy(&stable)
	if canary != nil {
		owned = append(owned, ownedBy(canary)...)
	}
	sets, pods, err := t.replicaSetsAndPods(ctx, sel, owned)
	if err != nil {
		return obs, fmt.Errorf("observe %s: replicasets and pods: %w", service, err)
	}
	for _, rs := range sets {
		if !slices.ContainsFunc(owned, func(uid string) bool { return isOwnedBy(rs.OwnerReferences, uid) }) {
			continue
		}
		id := releaseOf(rs.Spec.Template.Annotations, name)
		st := obs.Releases[id]
		st.ID = id
		st.Desired += int(ptr.Deref(rs.Spec.Replicas, 0))
		st.Ready += int(rs.Status.ReadyReplicas)
		obs.Releases[id] = st
	}
	port := containerPort(stable.Spec.Template.Spec.Containers, t.containerName(service))
	for i := range pods {
		p := &pods[i]
		id := releaseOf(p.Annotations, name)
		st, ok := obs.Releases[id]
		if !ok || p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodRunning {
			continue
		}
		r := replicaState(p, port)
		st.Restarts += r.Restarts
		st.Replicas = append(st.Replicas, r)
		obs.Releases[id] = st
	}
	for id, st := range obs.Releases {
		if st.Desired == 0 && st.Ready == 0 && len(st.Replicas) == 0 {
			delete(obs.Releases, id)
		}
	}

	if ptr.Deref(stable.Spec.Replicas, 1) > 0 {
		obs.Stable = releaseOf(stable.Spec.Template.Annotations, name)
	}
	obs.Converged = rolledOut(&stable)
	if canary != nil && ptr.Deref(canary.Spec.Replicas, 0) > 0 {
		obs.Canary = canary.Annotations[AnnotationRelease]
		obs.CanaryWeight = appliedWeight(canary, &stable)
		// A canary of the stable's own release is a promoted one that
		// Apply still has to retire.
		obs.Converged = obs.Converged && rolledOut(canary) && obs.Canary != obs.Stable
	} else if canary != nil {
		obs.Converged = obs.Converged && canary.Status.Replicas == 0
	}
	if t.trafficOf(service).Mode == ModeGatewayAPI {
		if err := t.observeGateway(ctx, service, &obs, canary); err != nil {
			return obs, fmt.Errorf("observe %s: %w", service, err)
		}
	}
	return obs, nil
}

// appliedWeight is the canary weight in effect: the weight last applied
// once the canary has all its replicas ready, else the share of ready pods
// the canary has now.
func appliedWeight(canary, stable *appsv1.Deployment) int {
	want, _ := strconv.Atoi(canary.Annotations[AnnotationWeight])
	if rolledOut(canary) {
		return want
	}
	c, s := int(canary.Status.ReadyReplicas), int(stable.Status.ReadyReplicas)
	if c+s == 0 {
		return 0
	}
	return min(want, c*100/(c+s))
}

func replicaState(p *corev1.Pod, port int32) runtime.ReplicaState {
	r := runtime.ReplicaState{Name: p.Name, State: "starting"}
	if p.Status.PodIP != "" {
		r.Address = net.JoinHostPort(p.Status.PodIP, strconv.Itoa(int(port)))
	}
	for _, cs := range p.Status.ContainerStatuses {
		r.Restarts += int(cs.RestartCount)
		if t := cs.LastTerminationState.Terminated; t != nil {
			r.LastExit = fmt.Sprintf("exit code %d (%s)", t.ExitCode, t.Reason)
		}
	}
	switch {
	case p.DeletionTimestamp != nil:
		r.State = "draining"
	case podReady(p):
		r.State = "ready"
	case p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed:
		r.State = "stopped"
	}
	return r
}

func podReady(p *corev1.Pod) bool {
	return slices.ContainsFunc(p.Status.Conditions, func(c corev1.PodCondition) bool {
		return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
	})
}

// releaseOf is the release a template or pod of the service's Deployment
// deployment runs: its pinwheel.dev/release annotation, or
// InitialRelease(deployment) for one pinwheel never deployed.
func releaseOf(annotations map[string]string, deployment string) string {
	if id := annotations[AnnotationRelease]; id != "" {
		return id
	}
	return InitialRelease(deployment)
}

// InitialRelease names the release a Deployment runs before pinwheel
// deployed anything to it: "<deployment>-initial".
func InitialRelease(deployment string) string { return deployment + "-initial" }

func ownedBy(d *appsv1.Deployment) []string { return []string{string(d.UID)} }

func isOwnedBy(refs []metav1.OwnerReference, uid string) bool {
	return slices.ContainsFunc(refs, func(r metav1.OwnerReference) bool { return string(r.UID) == uid })
}

// containerPort is the first port of the release's container (8080 if none).
func containerPort(cs []corev1.Container, name string) int32 {
	if i := containerIndex(cs, name); i >= 0 && len(cs[i].Ports) > 0 {
		return cs[i].Ports[0].ContainerPort
	}
	return 8080
}
