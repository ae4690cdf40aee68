package check

import (
	"k8s.io/apimachinery/pkg/labels"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// disruptionBudgets reports PW507 for a Deployment or StatefulSet with 2
// or more replicas whose pods no PodDisruptionBudget in the manifests
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
			k.add("PW507", w.obj, k8syaml.KeyLine(k8syaml.Get(w.obj.Root, "spec"), "replicas"),
				"%d replicas and no PodDisruptionBudget selects its pods: a node drain may evict all of them at once", replicas)
		}
	}
}
