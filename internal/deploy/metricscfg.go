package deploy

import (
	"net/http"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/metrics"
)

// Metrics providers pinwheel.yaml's runtime.metrics.provider may name.
const (
	MetricsLocal      = config.MetricsLocal      // the local proxy's own numbers (default)
	MetricsPrometheus = config.MetricsPrometheus // a Prometheus server's HTTP API
	MetricsHTTPJSON   = config.MetricsHTTPJSON   // check queries are URLs answering JSON numbers
)

// MetricsConfig is the runtime.metrics: block (config.Metrics) — which
// provider answers the rollout analysis's queries. The zero value means
// the target's own provider (the local proxy).
type MetricsConfig struct {
	Provider  string
	URL       string
	Namespace string
	Labels    metrics.PromLabels
	Timeout   time.Duration
}

// DefaultMetricsTimeout bounds one query to a configured provider.
const DefaultMetricsTimeout = 10 * time.Second

// NewProvider builds the configured provider, or returns nil when the
// target's own provider should answer (provider local or unset).
func (m MetricsConfig) NewProvider() (metrics.Provider, error) {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = DefaultMetricsTimeout
	}
	switch m.Provider {
	case MetricsPrometheus:
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = timeout
		return metrics.NewPrometheus(m.URL, metrics.WithPromLabels(m.Labels),
			metrics.WithPromNamespace(m.Namespace), metrics.WithPromRoundTripper(tr))
	case MetricsHTTPJSON:
		return metrics.NewHTTPJSON(metrics.WithHTTPClient(&http.Client{Timeout: timeout})), nil
	}
	return nil, nil
}
