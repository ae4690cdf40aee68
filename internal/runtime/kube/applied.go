package kube

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// markApplied records on d (just written by pinwheel, as the API server
// returned it, defaults filled in) the hash of its template and its
// replica count. The metadata-only patch changes neither the generation
// nor the pods.
func (t *Target) markApplied(ctx context.Context, d *appsv1.Deployment) error {
	hash, replicas := TemplateHash(d.Spec.Template), strconv.Itoa(int(ptr.Deref(d.Spec.Replicas, 1)))
	if d.Annotations[AnnotationAppliedTemplate] == hash && d.Annotations[AnnotationAppliedReplicas] == replicas {
		return nil
	}
	patch := client.MergeFrom(d.DeepCopy())
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	d.Annotations[AnnotationAppliedTemplate] = hash
	d.Annotations[AnnotationAppliedReplicas] = replicas
	if err := t.c.Patch(ctx, d, patch); err != nil {
		return fmt.Errorf("record what was applied to deployment %s: %w", d.Name, err)
	}
	return nil
}
