package k8syaml

import "gopkg.in/yaml.v3"

// podSpecPath is where each workload kind keeps its pod spec.
var podSpecPath = map[string][]string{
	"Pod":         {"spec"},
	"Deployment":  {"spec", "template", "spec"},
	"StatefulSet": {"spec", "template", "spec"},
	"DaemonSet":   {"spec", "template", "spec"},
	"ReplicaSet":  {"spec", "template", "spec"},
	"Job":         {"spec", "template", "spec"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
}

// groups are the API groups each workload kind may come from: a kind of
// the same name from another group (a CRD) is not a workload.
var groups = map[string][]string{
	"Pod": {""}, "Deployment": {"apps", "extensions"}, "StatefulSet": {"apps"}, "DaemonSet": {"apps", "extensions"},
	"ReplicaSet": {"apps", "extensions"}, "Job": {"batch"}, "CronJob": {"batch"},
}

// PodSpec is the pod spec of a workload object (Deployment, StatefulSet,
// DaemonSet, ReplicaSet, Job, CronJob, Pod); ok is false for other kinds.
func PodSpec(o Object) (spec *yaml.Node, ok bool) {
	path, known := podSpecPath[o.Kind]
	if !known || !inGroup(o) {
		return nil, false
	}
	spec = Get(o.Root, path...)
	return spec, spec != nil && spec.Kind == yaml.MappingNode
}

// PodMeta is the metadata node of the pods a workload makes (the pod's
// own for a Pod).
func PodMeta(o Object) *yaml.Node {
	path, known := podSpecPath[o.Kind]
	if !known {
		return nil
	}
	return Get(o.Root, append(append([]string{}, path[:len(path)-1]...), "metadata")...)
}

// LongRunning reports whether the workload's pods serve until stopped
// (not a Job or CronJob, whose pods run to completion).
func LongRunning(o Object) bool {
	return o.Kind != "Job" && o.Kind != "CronJob"
}

// Labels are the string labels of a metadata node.
func Labels(meta *yaml.Node) map[string]string {
	out := map[string]string{}
	for _, kv := range Pairs(Get(meta, "labels")) {
		out[kv[0].Value] = Str(kv[1])
	}
	return out
}

func inGroup(o Object) bool {
	g := o.Group()
	for _, want := range groups[o.Kind] {
		if g == want {
			return true
		}
	}
	return false
}
