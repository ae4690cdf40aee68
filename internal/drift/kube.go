package drift

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// Kube checks the Deployments pinwheel manages in namespace ns: those it
// recorded a write on (kube.AnnotationAppliedTemplate) and those running
// a release (kube.AnnotationRelease on the template). The images of
// Release objects in ns are the images releases produced; without the
// Release CRD that check is skipped and said so.
func Kube(ctx context.Context, c client.Reader, ns string) (Report, error) {
	var r Report
	var deps appsv1.DeploymentList
	if err := c.List(ctx, &deps, client.InNamespace(ns)); err != nil {
		return r, fmt.Errorf("list deployments in %s: %w", ns, err)
	}
	known, err := releaseImages(ctx, c, ns)
	switch {
	case meta.IsNoMatchError(err):
		r.Skipped = append(r.Skipped, "images: the Release CRD is not installed, so no release's image is known")
	case err != nil:
		return r, fmt.Errorf("list releases in %s: %w", ns, err)
	}
	for i := range deps.Items {
		d := &deps.Items[i]
		applied := d.Annotations[kube.AnnotationAppliedTemplate]
		release := d.Spec.Template.Annotations[kube.AnnotationRelease]
		if applied == "" && release == "" {
			continue // not pinwheel's
		}
		obj := "deployment " + ns + "/" + d.Name
		r.Checked = append(r.Checked, obj)
		r.Findings = append(r.Findings, deployment(d, obj, known)...)
		if known != nil {
			fs, err := podImages(ctx, c, d, obj, known)
			if err != nil {
				return r, err
			}
			r.Findings = append(r.Findings, fs...)
		}
	}
	r.Sort()
	return r, nil
}

// deployment compares d with what pinwheel last applied to it.
func deployment(d *appsv1.Deployment, obj string, known map[string]bool) []Finding {
	release := d.Spec.Template.Annotations[kube.AnnotationRelease]
	service := d.Spec.Template.Annotations[attest.KeyService]
	f := func(k Kind, want, got, msg string) Finding {
		return Finding{Kind: k, Target: "kube", Service: service, Object: obj, Release: release, Want: want, Got: got, Message: msg}
	}
	var out []Finding
	if want := d.Annotations[kube.AnnotationAppliedTemplate]; want != "" {
		if got := kube.TemplateHash(d.Spec.Template); got != want {
			out = append(out, f(TemplateEdited, want, got, fmt.Sprintf(
				"pod template changed since pinwheel applied release %s (generation %d; kubectl edit, set or patch?): template %s, applied %s",
				orNone(release), d.Generation, short(got), short(want))))
		}
	}
	if want := d.Annotations[kube.AnnotationAppliedReplicas]; want != "" {
		if got := strconv.Itoa(int(ptr.Deref(d.Spec.Replicas, 1))); got != want {
			out = append(out, f(ReplicasOffSpec, want, got, fmt.Sprintf("%s replicas, pinwheel set %s (kubectl scale or an autoscaler?)", got, want)))
		}
	}
	if known != nil && release != "" {
		for _, c := range d.Spec.Template.Spec.Containers {
			if isPinned(c.Image) && !known[c.Image] {
				out = append(out, f(UnknownImage, "", c.Image, fmt.Sprintf("container %s runs %s, which no Release in the namespace produced", c.Name, c.Image)))
			}
		}
	}
	return out
}

// podImages reports the pods of d running an image no release produced.
func podImages(ctx context.Context, c client.Reader, d *appsv1.Deployment, obj string, known map[string]bool) ([]Finding, error) {
	if d.Spec.Selector == nil || len(d.Spec.Selector.MatchLabels) == 0 {
		return nil, nil
	}
	var pods corev1.PodList
	if err := c.List(ctx, &pods, client.InNamespace(d.Namespace), client.MatchingLabels(d.Spec.Selector.MatchLabels)); err != nil {
		return nil, fmt.Errorf("list pods of %s: %w", obj, err)
	}
	var out []Finding
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil || p.Annotations[kube.AnnotationRelease] == "" {
			continue
		}
		for _, ctr := range p.Spec.Containers {
			if isPinned(ctr.Image) && !known[ctr.Image] {
				out = append(out, Finding{Kind: UnknownImage, Target: "kube", Service: p.Annotations[attest.KeyService],
					Object: "pod " + p.Namespace + "/" + p.Name, Release: p.Annotations[kube.AnnotationRelease], Got: ctr.Image,
					Message: fmt.Sprintf("container %s runs %s, which no Release in the namespace produced (pod of %s)", ctr.Name, ctr.Image, obj)})
			}
		}
	}
	return out, nil
}

// releaseImages is the set of images of the Release objects in ns.
func releaseImages(ctx context.Context, c client.Reader, ns string) (map[string]bool, error) {
	var rels v1alpha1.ReleaseList
	if err := c.List(ctx, &rels, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range rels.Items {
		known[r.Spec.Image] = true
	}
	return known, nil
}

// isPinned: only images named by digest are judged — a tag could be any
// release's.
func isPinned(image string) bool { return strings.Contains(image, "@sha256:") }

func short(h string) string {
	if len(h) > 19 {
		return h[:19]
	}
	return h
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
