package deploy

import (
	"net/http"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/metrics"
)

// DefaultMetricsTimeout bounds one query to a configured provider.
const DefaultMetricsTimeout = 10 * time.Second

// NewMetricsProvider builds the provider pinwheel.yaml's runtime.metrics:
// block configures, or returns nil when the target's own provider should
// answer (provider local or unset).
func NewMetricsProvider(m config.Metrics) (metrics.Provider, error) {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = DefaultMetricsTimeout
	}
	switch m.Provider {
	case config.MetricsPrometheus:
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = timeout
		return metrics.NewPrometheus(m.URL, metrics.WithPromLabels(metrics.PromLabels(m.Labels)),
			metrics.WithPromNamespace(m.Namespace), metrics.WithPromRoundTripper(tr))
	case config.MetricsHTTPJSON:
		return metrics.NewHTTPJSON(metrics.WithHTTPClient(&http.Client{Timeout: timeout})), nil
	}
	return nil, nil
}
