package controller

import (
	"context"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// deploymentOf is the stable Deployment a Release rolls out beside.
func deploymentOf(rel *v1alpha1.Release) string {
	if rel.Spec.Deployment != "" {
		return rel.Spec.Deployment
	}
	return rel.Spec.Service
}

// start plans a fresh rollout of rel: the canary is the Release's image, the
// stable release is whatever the stable Deployment runs now. A Release that
// cannot start (no such Deployment, an invalid strategy) gets a terminal
// Failed status saying why; one whose release already runs is Promoted.
func (r *Reconciler) start(ctx context.Context, rel *v1alpha1.Release) (plan, error) {
	now := r.now()
	spec, err := rel.Spec.RolloutSpec()
	if err == nil {
		err = spec.Defaults().Validate()
	}
	if err != nil {
		return ended(spec, "", rel.Name, rollout.Failed, "fail", fmt.Sprintf("invalid strategy: %v", err), now), nil
	}
	if r.opts.Admit != nil {
		if err := r.opts.Admit(ctx, rel.Spec.Image); err != nil {
			return ended(spec, "", rel.Name, rollout.Failed, "fail", fmt.Sprintf("image %s refused: %v", rel.Spec.Image, err), now), nil
		}
	}
	name := deploymentOf(rel)
	var dep appsv1.Deployment
	err = r.client.Get(ctx, client.ObjectKey{Namespace: rel.Namespace, Name: name}, &dep)
	if apierrors.IsNotFound(err) {
		return ended(spec, "", rel.Name, rollout.Failed, "fail",
			fmt.Sprintf("stable deployment %s/%s not found: create the service's Deployment first (spec.deployment, default spec.service)", rel.Namespace, name), now), nil
	}
	if err != nil {
		return plan{}, err
	}
	canary := runtime.Release{ID: rel.Name, BuildInfo: rel.Spec.BuildInfo.Attest(),
		Artifact: runtime.Artifact{Image: rel.Spec.Image}, Env: rel.Spec.Env, SecretEnv: rel.Spec.RuntimeSecretEnv()}
	p := plan{State: loop.State{Spec: spec, Canary: canary, Replicas: int(ptr.Deref(dep.Spec.Replicas, 1))}}
	var from string
	if p.Replicas > 0 {
		stable, err := r.stableRelease(ctx, rel, &dep)
		if err != nil {
			return plan{}, err
		}
		if stable.ID == rel.Name {
			return ended(spec, stable.ID, rel.Name, rollout.Promoted, "promote",
				fmt.Sprintf("release %s already runs on deployment %s", rel.Name, name), now), nil
		}
		p.Stable, from = &stable, stable.ID
	} else {
		// A Deployment scaled to zero has nothing to split traffic with:
		// a first deploy, the canary takes every request.
		p.Replicas = 1
	}
	if p.KnownGood, err = r.knownGood(ctx, rel); err != nil {
		return plan{}, err
	}
	p.Status = rollout.NewStatus(from, rel.Name)
	return p, nil
}

// stableRelease describes what dep runs now as a release: the release ID
// pinwheel wrote on its pod template (else "<deployment>-initial"), the
// container's image and the environment a release added, and the build
// metadata of the Release of that name, when it still exists.
func (r *Reconciler) stableRelease(ctx context.Context, rel *v1alpha1.Release, dep *appsv1.Deployment) (runtime.Release, error) {
	tpl := dep.Spec.Template
	id := tpl.Annotations[kube.AnnotationRelease]
	if id == "" {
		id = kube.InitialRelease(dep.Name)
	}
	c := container(tpl.Spec.Containers, rel.Spec.Service)
	out := runtime.Release{ID: id}
	if c != nil {
		out.Artifact.Image = c.Image
		if names := tpl.Annotations[kube.AnnotationEnv]; names != "" {
			out.Env = map[string]string{}
			for _, n := range strings.Split(names, ",") {
				for _, e := range c.Env {
					switch {
					case e.Name != n:
					case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
						// A secretEnv variable: keep the reference, never a value.
						if out.SecretEnv == nil {
							out.SecretEnv = map[string]runtime.SecretRef{}
						}
						ref := e.ValueFrom.SecretKeyRef
						out.SecretEnv[n] = runtime.SecretRef{SecretKeyRef: &runtime.SecretKeyRef{Name: ref.Name, Key: ref.Key}}
					default:
						out.Env[n] = e.Value
					}
				}
			}
		}
	}
	var prev v1alpha1.Release
	err := r.client.Get(ctx, client.ObjectKey{Namespace: rel.Namespace, Name: id}, &prev)
	switch {
	case err == nil:
		out.BuildInfo = prev.Spec.BuildInfo.Attest()
	case apierrors.IsNotFound(err):
		out.BuildInfo = attest.BuildInfo{Service: rel.Spec.Service, ImageRef: out.Artifact.Image}
	default:
		return out, err
	}
	return out, nil
}

// knownGood reports whether rel's image was promoted by an earlier Release
// in the namespace (so a fast rollback to it may skip analysis).
func (r *Reconciler) knownGood(ctx context.Context, rel *v1alpha1.Release) (bool, error) {
	var list v1alpha1.ReleaseList
	if err := r.client.List(ctx, &list, client.InNamespace(rel.Namespace), client.MatchingFields{indexDeployment: deploymentOf(rel)}); err != nil {
		return false, err
	}
	for _, o := range list.Items {
		if o.Name != rel.Name && o.Spec.Image == rel.Spec.Image && o.Status.Phase == string(rollout.Promoted) {
			return true, nil
		}
	}
	return false, nil
}

func container(cs []corev1.Container, name string) *corev1.Container {
	for i := range cs {
		if cs[i].Name == name {
			return &cs[i]
		}
	}
	if len(cs) > 0 {
		return &cs[0]
	}
	return nil
}

// ended is a plan whose rollout is over before it began.
func ended(spec rollout.Spec, from, to string, phase rollout.Phase, action, reason string, now time.Time) plan {
	st := rollout.NewStatus(from, to)
	st.Phase, st.Terminal, st.Message = phase, true, reason
	st.Decisions = []rollout.Decision{{Time: now, Phase: phase, Action: action, Reason: reason}}
	return plan{State: loop.State{Spec: spec, Status: st}}
}
