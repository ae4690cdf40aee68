package check

import (
	"context"
	"fmt"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

// workload is one object that runs pods, with what the rules need.
type workload struct {
	obj        k8syaml.Object
	spec       *k8syaml.Node // pod spec
	podLabels  map[string]string
	containers []container
}

// container is one container of a pod spec.
type container struct {
	node *k8syaml.Node
	name string
	init bool
	line int
}

// at returns the line of key in the container (its own line when absent).
func (c container) at(key string) int {
	if n := k8syaml.Get(c.node, key); n != nil {
		return k8syaml.KeyLine(c.node, key)
	}
	return c.line
}

// kubeCheck is the state the manifest rules share.
type kubeCheck struct {
	p         *project
	r         *Report
	objs      []k8syaml.Object
	workloads []workload
	// svc is the checked project as projectscan reads it (nil when it is
	// no Python project): its name and command stand in for a container
	// of its image that sets no command.
	svc      *projectscan.Service
	services *[]serviceSelector // see serviceSelectors
}

// checkManifests runs the manifest rules over every manifest source.
func checkManifests(ctx context.Context, p *project, r *Report) error {
	objs, err := readSources(ctx, p)
	if err != nil {
		return err
	}
	k := &kubeCheck{p: p, r: r, objs: objs}
	if p.isProject {
		k.svc = p.scan(ctx)
	}
	for _, o := range objs {
		if spec, ok := k8syaml.PodSpec(o); ok {
			k.workloads = append(k.workloads, newWorkload(o, spec))
		}
	}
	for _, o := range objs {
		if o.Kind == "Release" && o.Group() == "pinwheel.dev" {
			k.release(o)
		}
	}
	for _, w := range k.workloads {
		if err := k.workload(ctx, w); err != nil {
			return err
		}
	}
	k.disruptionBudgets()
	return nil
}

func newWorkload(o k8syaml.Object, spec *k8syaml.Node) workload {
	w := workload{obj: o, spec: spec, podLabels: k8syaml.Labels(k8syaml.PodMeta(o))}
	for _, key := range []string{"initContainers", "containers"} {
		for _, n := range k8syaml.Items(k8syaml.Get(spec, key)) {
			if !k8syaml.IsMapping(n) {
				continue
			}
			w.containers = append(w.containers, container{node: n, name: k8syaml.Str(k8syaml.Get(n, "name")),
				init: key == "initContainers", line: n.Line})
		}
	}
	return w
}

// add records a finding about object o at line; a suppression above the
// object's first line covers it too.
func (k *kubeCheck) add(id string, o k8syaml.Object, line int, format string, args ...any) *Finding {
	if line == 0 {
		line = o.Line
	}
	f := k.r.add(id, o.File, line, "%s", k.subject(o)+fmt.Sprintf(format, args...))
	f.instrLine = o.Line
	return f
}

// subject names the object a message is about: "Deployment web: ", with
// the helm template it came from.
func (k *kubeCheck) subject(o k8syaml.Object) string {
	s := o.Kind + " " + o.Name
	if o.Source != "" {
		s += " (" + o.Source + ")"
	}
	return s + ": "
}

// workload runs the per-container rules on one workload.
func (k *kubeCheck) workload(ctx context.Context, w workload) error {
	served := k.served(w)
	for _, c := range w.containers {
		srv, err := k.server(ctx, w.obj, c)
		if err != nil {
			return err
		}
		k.image(w.obj, c)
		k.resources(w.obj, c)
		k.security(w, c, srv)
		k.envSecrets(w.obj, c)
		if c.init || !k8syaml.LongRunning(w.obj) {
			continue
		}
		k.execForm(w.obj, c)
		k.probes(w.obj, c, served)
		k.shutdown(w, c, srv, served)
	}
	return nil
}

// served reports whether traffic reaches the workload's pods: a container
// declares ports or a Service in the manifests selects the pods.
func (k *kubeCheck) served(w workload) bool {
	for _, c := range w.containers {
		if !c.init && k8syaml.Get(c.node, "ports") != nil {
			return true
		}
	}
	for _, svc := range k.serviceSelectors() {
		if !sameNamespace(svc.obj, w.obj) {
			continue
		}
		match := true
		for key, v := range svc.sel {
			if w.podLabels[key] != v {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// serviceSelector is a Service with its (non-empty) pod selector.
type serviceSelector struct {
	obj k8syaml.Object
	sel map[string]string
}

// serviceSelectors are the manifests' Services, read once.
func (k *kubeCheck) serviceSelectors() []serviceSelector {
	if k.services != nil {
		return *k.services
	}
	out := []serviceSelector{}
	for _, o := range k.objs {
		if o.Kind != "Service" || o.Group() != "" {
			continue
		}
		sel := map[string]string{}
		for _, kv := range k8syaml.Pairs(k8syaml.Get(o.Root, "spec", "selector")) {
			sel[kv[0].Value] = k8syaml.Str(kv[1])
		}
		if len(sel) > 0 {
			out = append(out, serviceSelector{o, sel})
		}
	}
	k.services = &out
	return out
}

// sameNamespace: an object without a namespace goes where it is applied,
// so it may share any namespace.
func sameNamespace(a, b k8syaml.Object) bool {
	return a.Namespace == "" || b.Namespace == "" || a.Namespace == b.Namespace
}
