package local

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// proxyMetrics are the Prometheus collectors of the local proxies.
type proxyMetrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	weight   *prometheus.GaugeVec
}

func newProxyMetrics(reg *prometheus.Registry) *proxyMetrics {
	m := &proxyMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pinwheel_proxy_requests_total",
			Help: "Requests the local proxy answered, by service, release and HTTP status code.",
		}, []string{"service", "release", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pinwheel_proxy_request_errors_total",
			Help: "Failed requests by kind: 5xx (the replica answered 5xx), reset, timeout, unavailable (no ready replica).",
		}, []string{"service", "release", "kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pinwheel_proxy_request_duration_seconds",
			Help:    "Time from request received to response written, by service and release.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"service", "release"}),
		weight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pinwheel_proxy_canary_weight",
			Help: "Percentage of requests the proxy sends to the canary.",
		}, []string{"service"}),
	}
	reg.MustRegister(m.requests, m.errors, m.latency, m.weight)
	return m
}

func (m *proxyMetrics) observe(service, release string, code int, err error, latency time.Duration) {
	m.requests.WithLabelValues(service, release, codeLabel(code)).Inc()
	m.latency.WithLabelValues(service, release).Observe(latency.Seconds())
	switch {
	case code == http.StatusServiceUnavailable && err != nil && err.Error() == "no ready replica":
		m.errors.WithLabelValues(service, release, "unavailable").Inc()
	case err != nil && isTimeout(err):
		m.errors.WithLabelValues(service, release, "timeout").Inc()
	case err != nil:
		m.errors.WithLabelValues(service, release, "reset").Inc()
	case code >= 500:
		m.errors.WithLabelValues(service, release, "5xx").Inc()
	}
}

func promHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
