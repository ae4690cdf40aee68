package kube

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// What pinwheel last wrote to a Deployment, for drift detection: a
// template or replica count that differs from these was changed by
// someone else since (kubectl edit, kubectl scale, another tool).
const (
	// AnnotationAppliedTemplate is TemplateHash of the pod template as the
	// API server stored it after pinwheel's last write.
	AnnotationAppliedTemplate = "pinwheel.dev/applied-template"
	// AnnotationAppliedReplicas is the replica count pinwheel last set.
	AnnotationAppliedReplicas = "pinwheel.dev/applied-replicas"
)

// TemplateHash is the SHA-256 of a pod template's JSON encoding.
func TemplateHash(t corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t) // a PodTemplateSpec always encodes
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// update writes d (Update), recording on it in the same write the hash of
// its template and its replica count as the API server will store them —
// learnt from a server-side dry run of the same write, defaults filled in.
// One write: a Deployment's generation counts annotation changes too, so
// a separate patch would be a second update of the stable Deployment.
func (t *Target) update(ctx context.Context, d *appsv1.Deployment) error {
	return writeMarked(d, func(o *appsv1.Deployment, dryRun bool) error {
		if dryRun {
			return t.c.Update(ctx, o, client.DryRunAll)
		}
		return t.c.Update(ctx, o)
	})
}

// create is update for a new Deployment (Create).
func (t *Target) create(ctx context.Context, d *appsv1.Deployment) error {
	return writeMarked(d, func(o *appsv1.Deployment, dryRun bool) error {
		if dryRun {
			return t.c.Create(ctx, o, client.DryRunAll)
		}
		return t.c.Create(ctx, o)
	})
}

func writeMarked(d *appsv1.Deployment, write func(o *appsv1.Deployment, dryRun bool) error) error {
	probe := d.DeepCopy()
	if err := write(probe, true); err != nil {
		return err
	}
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	d.Annotations[AnnotationAppliedTemplate] = TemplateHash(probe.Spec.Template)
	d.Annotations[AnnotationAppliedReplicas] = strconv.Itoa(int(ptr.Deref(probe.Spec.Replicas, 1)))
	return write(d, false)
}
