package kube

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Labels and annotations the Target writes.
const (
	// LabelRevision marks a pod template with its release (a label-safe
	// form of the release ID); the canary selector adds it.
	LabelRevision = "pinwheel.dev/revision"
	// LabelService names the pinwheel service on objects the Target creates.
	LabelService = "pinwheel.dev/service"
	// AnnotationRelease is the full release ID on a pod template.
	AnnotationRelease = "pinwheel.dev/release"
	// AnnotationEnv lists the environment variables a release added to a
	// template, so the next release can take them away again.
	AnnotationEnv = "pinwheel.dev/env"
	// AnnotationWeight is the canary weight last applied, on the canary
	// Deployment.
	AnnotationWeight = "pinwheel.dev/canary-weight"
)

// CanaryName is the canary Deployment's name for a stable Deployment.
func CanaryName(deployment string) string { return deployment + "-canary" }

var labelUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// RevisionLabel returns a label value naming release id: id itself when it
// is a valid label value, else a readable prefix and a hash of id.
func RevisionLabel(id string) string {
	safe := strings.Trim(labelUnsafe.ReplaceAllString(id, "-"), "._-")
	if safe == id && len(id) <= 63 && id != "" {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	h := hex.EncodeToString(sum[:])[:10]
	if len(safe) > 52 {
		safe = strings.TrimRight(safe[:52], "._-")
	}
	if safe == "" {
		return "r-" + h
	}
	return safe + "-" + h
}

// releaseTemplate returns base running rel: container's image and
// environment replaced, rel's build metadata as annotations and its
// revision label set. base is not modified.
func releaseTemplate(base corev1.PodTemplateSpec, container string, rel runtime.Release) (corev1.PodTemplateSpec, error) {
	if rel.Artifact.Image == "" {
		return base, fmt.Errorf("release %s: the kube target runs registry images, and this release has none", rel.ID)
	}
	t := *base.DeepCopy()
	i := containerIndex(t.Spec.Containers, container)
	if i < 0 {
		return base, fmt.Errorf("release %s: pod template has no container %q", rel.ID, container)
	}
	c := &t.Spec.Containers[i]
	c.Image = rel.Artifact.Image

	// Take away what the previous release added, then add rel's variables.
	previous := strings.Split(t.Annotations[AnnotationEnv], ",")
	c.Env = slices.DeleteFunc(c.Env, func(e corev1.EnvVar) bool { return slices.Contains(previous, e.Name) })
	vars, err := releaseEnv(rel)
	if err != nil {
		return base, err
	}
	names := make([]string, 0, len(vars))
	for _, v := range vars {
		names = append(names, v.Name)
		if j := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == v.Name }); j >= 0 {
			c.Env[j] = v
			continue
		}
		c.Env = append(c.Env, v)
	}
	slices.Sort(names)

	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[LabelRevision] = RevisionLabel(rel.ID)
	if t.Annotations == nil {
		t.Annotations = map[string]string{}
	}
	maps.Copy(t.Annotations, rel.BuildInfo.Annotations())
	t.Annotations[AnnotationRelease] = rel.ID
	if len(names) > 0 {
		t.Annotations[AnnotationEnv] = strings.Join(names, ",")
	} else {
		delete(t.Annotations, AnnotationEnv)
	}
	return t, nil
}

// releaseEnv is what rel adds to its container's environment, sorted by
// name: Env as values, SecretEnv as valueFrom.secretKeyRef (the pod reads
// the Secret; the template never holds its value). A secretEnv entry with
// no secretKeyRef (fromEnv, fromFile: local references) cannot run here.
func releaseEnv(rel runtime.Release) ([]corev1.EnvVar, error) {
	out := make([]corev1.EnvVar, 0, len(rel.Env)+len(rel.SecretEnv))
	for _, k := range slices.Sorted(maps.Keys(rel.Env)) {
		if _, dup := rel.SecretEnv[k]; dup {
			return nil, fmt.Errorf("release %s: %s is set in env and secretEnv", rel.ID, k)
		}
		out = append(out, corev1.EnvVar{Name: k, Value: rel.Env[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(rel.SecretEnv)) {
		ref := rel.SecretEnv[k].SecretKeyRef
		if ref == nil {
			return nil, fmt.Errorf("release %s: secretEnv %s has no secretKeyRef; the kube target reads secrets from Secrets only", rel.ID, k)
		}
		out = append(out, corev1.EnvVar{Name: k, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name}, Key: ref.Key}}})
	}
	slices.SortFunc(out, func(a, b corev1.EnvVar) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// containerIndex finds the container named name, else the only or first one.
func containerIndex(cs []corev1.Container, name string) int {
	if len(cs) == 0 {
		return -1
	}
	if j := slices.IndexFunc(cs, func(c corev1.Container) bool { return c.Name == name }); j >= 0 {
		return j
	}
	return 0
}

// canaryDeployment builds the canary Deployment for stable running rel.
func canaryDeployment(stable *appsv1.Deployment, service, container string, rel runtime.Release, replicas int32, weight int) (*appsv1.Deployment, error) {
	tmpl, err := releaseTemplate(stable.Spec.Template, container, rel)
	if err != nil {
		return nil, err
	}
	rev := RevisionLabel(rel.ID)
	sel := stable.Spec.Selector.DeepCopy()
	if sel == nil {
		sel = &metav1.LabelSelector{}
	}
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[LabelRevision] = rev
	labels := maps.Clone(stable.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelRevision] = rev
	labels[LabelService] = service
	maxUnavailable := intstr.FromInt32(0)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{
			Name:      CanaryName(stable.Name),
			Namespace: stable.Namespace,
			Labels:    labels,
			Annotations: map[string]string{
				AnnotationRelease: rel.ID,
				AnnotationWeight:  strconv.Itoa(weight),
			},
		},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: sel,
			Template: tmpl,
			Strategy: appsv1.DeploymentStrategy{
				Type:          appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &maxUnavailable},
			},
			MinReadySeconds:         stable.Spec.MinReadySeconds,
			ProgressDeadlineSeconds: stable.Spec.ProgressDeadlineSeconds,
		},
	}, nil
}

// promote rewrites stable's template to run rel with replicas replicas, as
// a rolling update that never has fewer ready pods than asked for. It
// reports whether the template changed.
func promote(stable *appsv1.Deployment, container string, rel runtime.Release, replicas int32) (bool, error) {
	tmpl, err := releaseTemplate(stable.Spec.Template, container, rel)
	if err != nil {
		return false, err
	}
	changed := !equality.Semantic.DeepEqual(stable.Spec.Template, tmpl)
	stable.Spec.Template = tmpl
	stable.Spec.Replicas = &replicas
	zero := intstr.FromInt32(0)
	ru := stable.Spec.Strategy.RollingUpdate
	if ru == nil {
		ru = &appsv1.RollingUpdateDeployment{}
	}
	ru.MaxUnavailable = &zero
	if ru.MaxSurge == nil || ru.MaxSurge.String() == "0" || ru.MaxSurge.String() == "0%" {
		surge := intstr.FromString("25%")
		ru.MaxSurge = &surge
	}
	stable.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: ru}
	return changed, nil
}
