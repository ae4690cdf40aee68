package check

import (
	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// probes reports PW501 (no readiness probe on a container that gets
// traffic), PW502 (no liveness probe) and PW503 (a liveness probe without
// a startup probe) for a long-running workload's container.
func (k *kubeCheck) probes(o k8syaml.Object, c container, served bool) {
	if served && k8syaml.Get(c.node, "readinessProbe") == nil {
		k.add("PW501", o, c.line, "container %s has no readinessProbe: pods get traffic as soon as the process starts, before the app has imported and connected", c.name)
	}
	live := k8syaml.Get(c.node, "livenessProbe")
	if live == nil {
		k.add("PW502", o, c.line, "container %s has no livenessProbe: a deadlocked process keeps its pod until someone notices", c.name)
		return
	}
	if k8syaml.Get(c.node, "startupProbe") == nil {
		p := readProbe(live)
		k.add("PW503", o, c.at("livenessProbe"), "container %s has a livenessProbe but no startupProbe: a start slower than %d s (initialDelaySeconds + periodSeconds × failureThreshold) is killed and restarted in a loop",
			c.name, p.initialDelay+p.period*p.failures)
	}
}

// probe is a probe's timing with the Kubernetes defaults filled in.
type probe struct {
	initialDelay, period, timeout, failures int
	network                                 bool // httpGet, tcpSocket or grpc: answered by the server
}

func readProbe(n *k8syaml.Node) probe {
	p := probe{period: 10, timeout: 1, failures: 3}
	get := func(key string, dst *int) {
		if v, ok := k8syaml.Int(k8syaml.Get(n, key)); ok && v > 0 {
			*dst = v
		}
	}
	get("initialDelaySeconds", &p.initialDelay)
	get("periodSeconds", &p.period)
	get("timeoutSeconds", &p.timeout)
	get("failureThreshold", &p.failures)
	p.network = k8syaml.Get(n, "httpGet") != nil || k8syaml.Get(n, "tcpSocket") != nil || k8syaml.Get(n, "grpc") != nil
	return p
}

// window is how long a probe fails before the kubelet acts: the first
// failure's timeout plus the periods until failureThreshold is reached.
func (p probe) window() int { return p.period*(p.failures-1) + p.timeout }
