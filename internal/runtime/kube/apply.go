package kube

import (
	"context"
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Event reasons, one per transition Apply and Smoke make.
const (
	ReasonCanaryCreated  = "CanaryCreated"
	ReasonCanaryReplaced = "CanaryReplaced"
	ReasonCanaryScaled   = "CanaryScaled"
	ReasonWeightChanged  = "WeightChanged"
	ReasonStableUpdated  = "StableUpdated"
	ReasonStableScaled   = "StableScaled"
	ReasonCanaryRetired  = "CanaryRetired"
	ReasonRolledBack     = "RolledBack"
	ReasonSmokeStarted   = "SmokeStarted"
	ReasonSmokePassed    = "SmokePassed"
	ReasonSmokeFailed    = "SmokeFailed"
)

// Apply makes the service's Deployments converge towards d. The stable
// Deployment must exist; the canary Deployment is created, resized,
// replaced (new release) or scaled to zero (no canary wanted) as needed.
func (t *Target) Apply(ctx context.Context, d runtime.Desired) error {
	name := t.deploymentName(d.Service)
	var stable appsv1.Deployment
	if err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: name}, &stable); err != nil {
		return fmt.Errorf("apply %s: stable deployment %s/%s: %w", d.Service, t.ns, name, err)
	}
	canary, err := t.canary(ctx, name)
	if err != nil {
		return fmt.Errorf("apply %s: %w", d.Service, err)
	}
	subject := t.subject(&stable)
	if err := t.applyStable(ctx, d, &stable, subject); err != nil {
		return fmt.Errorf("apply %s: %w", d.Service, err)
	}
	if d.Canary != nil {
		err = t.applyCanary(ctx, d, &stable, canary, subject)
	} else {
		err = t.retireCanary(ctx, d, &stable, canary, subject)
	}
	if err != nil {
		return fmt.Errorf("apply %s: %w", d.Service, err)
	}
	if t.trafficOf(d.Service).Mode == ModeGatewayAPI {
		if canary, err = t.canary(ctx, name); err != nil {
			return fmt.Errorf("apply %s: %w", d.Service, err)
		}
		if err := t.applyGateway(ctx, d, &stable, canary, subject); err != nil {
			return fmt.Errorf("apply %s: %w", d.Service, err)
		}
	}
	return nil
}

// applyStable makes the stable Deployment run d.Stable at d.Replicas, or
// nothing when there is no stable release yet (a first deploy's canary
// takes every request).
func (t *Target) applyStable(ctx context.Context, d runtime.Desired, stable *appsv1.Deployment, subject kruntime.Object) error {
	before := ptr.Deref(stable.Spec.Replicas, 1)
	if d.Stable == nil {
		if before == 0 {
			return nil
		}
		stable.Spec.Replicas = ptr.To[int32](0)
		if err := t.update(ctx, stable); err != nil {
			return fmt.Errorf("scale stable deployment to 0: %w", err)
		}
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonStableScaled, "stable deployment %s scaled %d -> 0: no stable release", stable.Name, before)
		return nil
	}
	previous := stable.Spec.Template.Annotations[AnnotationRelease]
	if previous == "" && d.Stable.ID == InitialRelease(stable.Name) && t.trafficOf(d.Service).Mode != ModeGatewayAPI {
		// A Deployment pinwheel never deployed runs its own template as
		// the initial release: left as it is (no re-roll to add
		// annotations) until a release is promoted onto it. Gateway API
		// mode needs the revision label on stable pods, so it adopts.
		return nil
	}
	changed, err := promote(stable, t.containerName(d.Service), *d.Stable, int32(d.Replicas))
	if err != nil {
		return err
	}
	if !changed && before == int32(d.Replicas) {
		return nil
	}
	if err := t.update(ctx, stable); err != nil {
		return fmt.Errorf("update stable deployment %s: %w", stable.Name, err)
	}
	if changed {
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonStableUpdated,
			"stable deployment %s now runs release %s (%s), was %q; rolling with maxUnavailable 0",
			stable.Name, d.Stable.ID, d.Stable.Artifact.Image, previous)
	}
	if before != int32(d.Replicas) {
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonStableScaled, "stable deployment %s scaled %d -> %d", stable.Name, before, d.Replicas)
	}
	return nil
}

func (t *Target) applyCanary(ctx context.Context, d runtime.Desired, stable, current *appsv1.Deployment, subject kruntime.Object) error {
	want, err := canaryDeployment(stable, d.Service, t.containerName(d.Service), *d.Canary, int32(d.CanaryReplicas), d.CanaryWeight)
	if err != nil {
		return err
	}
	want.OwnerReferences = []metav1.OwnerReference{t.ownerRef(stable)}
	if current != nil && current.Spec.Selector.MatchLabels[LabelRevision] != want.Spec.Selector.MatchLabels[LabelRevision] {
		// A canary of another release: its selector cannot change, so it goes.
		if err := t.c.Delete(ctx, current, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("delete canary of release %s: %w", current.Annotations[AnnotationRelease], err)
		}
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonCanaryReplaced, "canary deployment %s of release %s deleted for release %s",
			current.Name, current.Annotations[AnnotationRelease], d.Canary.ID)
		current = nil
	}
	if current == nil {
		if err := t.create(ctx, want); err != nil {
			return fmt.Errorf("create canary deployment: %w", err)
		}
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonCanaryCreated, "canary deployment %s created for release %s (%s) with %d replicas, weight %d%%",
			want.Name, d.Canary.ID, d.Canary.Artifact.Image, d.CanaryReplicas, d.CanaryWeight)
		return nil
	}
	fromReplicas := ptr.Deref(current.Spec.Replicas, 0)
	fromWeight := current.Annotations[AnnotationWeight]
	before := current.DeepCopy()
	current.Spec.Replicas = want.Spec.Replicas
	current.Spec.Template = want.Spec.Template
	current.Labels = want.Labels
	if current.Annotations == nil {
		current.Annotations = map[string]string{}
	}
	current.Annotations[AnnotationRelease] = d.Canary.ID
	current.Annotations[AnnotationWeight] = want.Annotations[AnnotationWeight]
	if equality.Semantic.DeepEqual(before, current) {
		return nil
	}
	if err := t.update(ctx, current); err != nil {
		return fmt.Errorf("update canary deployment: %w", err)
	}
	if fromReplicas != int32(d.CanaryReplicas) {
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonCanaryScaled, "canary deployment %s scaled %d -> %d", current.Name, fromReplicas, d.CanaryReplicas)
	}
	if fromWeight != strconv.Itoa(d.CanaryWeight) {
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonWeightChanged, "canary weight %s%% -> %d%% (%d canary beside %d stable replicas)",
			fromWeight, d.CanaryWeight, d.CanaryReplicas, d.Replicas)
	}
	return nil
}

// retireCanary scales a canary nobody wants to zero: at once after a
// rollback, and after a promotion once the stable Deployment has rolled out
// the promoted template (until then the canary's pods keep serving).
func (t *Target) retireCanary(ctx context.Context, d runtime.Desired, stable, canary *appsv1.Deployment, subject kruntime.Object) error {
	if canary == nil || ptr.Deref(canary.Spec.Replicas, 0) == 0 {
		return nil
	}
	release := canary.Annotations[AnnotationRelease]
	promoted := d.Stable != nil && release == d.Stable.ID
	if promoted && !rolledOut(stable) {
		return nil
	}
	from := ptr.Deref(canary.Spec.Replicas, 0)
	canary.Spec.Replicas = ptr.To[int32](0)
	canary.Annotations[AnnotationWeight] = "0"
	if err := t.update(ctx, canary); err != nil {
		return fmt.Errorf("scale canary deployment to 0: %w", err)
	}
	if promoted {
		t.rec.Eventf(subject, corev1.EventTypeNormal, ReasonCanaryRetired, "release %s promoted and rolled out on %s; canary scaled %d -> 0", release, stable.Name, from)
	} else {
		t.rec.Eventf(subject, corev1.EventTypeWarning, ReasonRolledBack, "canary of release %s scaled %d -> 0 at once; all traffic on stable", release, from)
	}
	return nil
}

// canary returns the canary Deployment of the stable Deployment name, or
// nil when there is none.
func (t *Target) canary(ctx context.Context, name string) (*appsv1.Deployment, error) {
	var c appsv1.Deployment
	err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: CanaryName(name)}, &c)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("canary deployment %s/%s: %w", t.ns, CanaryName(name), err)
	}
	return &c, nil
}

// rolledOut reports whether d's controller has caught up with its spec and
// every pod runs the current template, ready, with no old pods left.
func rolledOut(d *appsv1.Deployment) bool {
	want := ptr.Deref(d.Spec.Replicas, 1)
	s := d.Status
	return s.ObservedGeneration >= d.Generation &&
		s.UpdatedReplicas == want && s.Replicas == want &&
		s.ReadyReplicas == want && s.AvailableReplicas == want
}

func (t *Target) ownerRef(stable *appsv1.Deployment) metav1.OwnerReference {
	if t.owner != nil {
		return *t.owner
	}
	return metav1.OwnerReference{
		APIVersion: "apps/v1", Kind: "Deployment", Name: stable.Name, UID: stable.UID,
	}
}

// subject is what Events are about: the owner when set, else the stable
// Deployment.
func (t *Target) subject(stable *appsv1.Deployment) kruntime.Object {
	if t.owner != nil {
		return &corev1.ObjectReference{
			APIVersion: t.owner.APIVersion, Kind: t.owner.Kind, Name: t.owner.Name,
			UID: t.owner.UID, Namespace: t.ns,
		}
	}
	return stable
}
