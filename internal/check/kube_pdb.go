package check

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// disruptionBudgets reports PW507 for a Deployment or StatefulSet with 2
// or more replicas — its own, or the minReplicas of a HorizontalPodAutoscaler
// that scales it — whose pods no PodDisruptionBudget in the manifests
// selects: a node drain may evict every replica at once.
func (k *kubeCheck) disruptionBudgets() {
	var pdbs []labels.Selector
	var pdbObjs []k8syaml.Object
	for _, o := range k.objs {
		if o.Kind != "PodDisruptionBudget" || o.Group() != "policy" {
			continue
		}
		sel, err := k8syaml.Selector(k8syaml.Get(o.Root, "spec", "selector"))
		if err != nil {
			k.p.logger.Debug("pdb selector", "object", o.Name, "err", err)
			continue
		}
		pdbs, pdbObjs = append(pdbs, sel), append(pdbObjs, o)
	}
	for _, w := range k.workloads {
		if w.obj.Kind != "Deployment" && w.obj.Kind != "StatefulSet" {
			continue
		}
		replicas, ok := k8syaml.Int(k8syaml.Get(w.obj.Root, "spec", "replicas"))
		line := k8syaml.KeyLine(k8syaml.Get(w.obj.Root, "spec"), "replicas")
		what := fmt.Sprintf("%d replicas", replicas)
		if min, at, scaled := k.autoscaled(w.obj); scaled {
			replicas, ok, line, what = min, true, at, fmt.Sprintf("a HorizontalPodAutoscaler keeps at least %d replicas", min)
		}
		if !ok || replicas < 2 {
			continue
		}
		covered := false
		for i, sel := range pdbs {
			if sameNamespace(pdbObjs[i], w.obj) && sel.Matches(labels.Set(w.podLabels)) {
				covered = true
			}
		}
		if !covered {
			k.add("PW507", w.obj, line, "%s and no PodDisruptionBudget selects its pods: a node drain may evict all of them at once", what)
		}
	}
}

// autoscaled reports the minReplicas (default 1) of a HorizontalPodAutoscaler
// that scales o, and the line of the workload's spec (where replicas would
// be) for the finding.
func (k *kubeCheck) autoscaled(o k8syaml.Object) (min, line int, ok bool) {
	for _, h := range k.objs {
		if h.Kind != "HorizontalPodAutoscaler" || h.Group() != "autoscaling" || !sameNamespace(h, o) {
			continue
		}
		ref := k8syaml.Get(h.Root, "spec", "scaleTargetRef")
		if k8syaml.Str(k8syaml.Get(ref, "kind")) != o.Kind || k8syaml.Str(k8syaml.Get(ref, "name")) != o.Name {
			continue
		}
		min, set := k8syaml.Int(k8syaml.Get(h.Root, "spec", "minReplicas"))
		if !set {
			min = 1
		}
		return min, k8syaml.KeyLine(o.Root, "spec"), true
	}
	return 0, 0, false
}
