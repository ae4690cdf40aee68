package check

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// resources reports PW504 when a container lacks a CPU request, a memory
// request or a memory limit. A CPU limit is not asked for: it throttles a
// Python worker mid-request (CFS quota) without protecting the node, which
// the request already does.
func (k *kubeCheck) resources(o k8syaml.Object, c container) {
	res := k8syaml.Get(c.node, "resources")
	var missing []string
	for _, want := range [][2]string{{"requests", "cpu"}, {"requests", "memory"}, {"limits", "memory"}} {
		if k8syaml.Str(k8syaml.Get(res, want[0], want[1])) == "" {
			missing = append(missing, want[0]+"."+want[1])
		}
	}
	if len(missing) == 0 {
		return
	}
	k.add("PW504", o, c.at("resources"), "container %s sets no %s: the scheduler cannot place it by what it uses, and a leaking worker takes the node's memory",
		c.name, strings.Join(missing, ", "))
}
