package deploy

import (
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/metrics"
)

// RuntimeConfig is pinwheel.yaml's runtime: section (config.Runtime) as
// deploying uses it: how the release's replicas run on the target. Zero
// fields mean "not set": deploy's flags, then the defaults, decide.
type RuntimeConfig struct {
	Replicas      int
	ReadinessPath string
	Metrics       MetricsConfig
}

// runtimeConfig builds the RuntimeConfig of a decoded runtime: section.
func runtimeConfig(r config.Runtime) RuntimeConfig {
	m := r.Metrics
	return RuntimeConfig{
		Replicas:      r.Replicas,
		ReadinessPath: r.ReadinessPath,
		Metrics: MetricsConfig{Provider: m.Provider, URL: m.URL, Namespace: m.Namespace,
			Labels: metrics.PromLabels(m.Labels), Timeout: m.Timeout},
	}
}
