package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Prometheus answers queries from a Prometheus server's HTTP API. A check's
// query is either a built-in name (see Builtins and PrometheusQueries) or a
// PromQL template; both are filled with the Query's fields, the provider's
// namespace, the rate window and a ready-made label selector (see
// PromTemplateData).
//
// A Query whose Start is zero or not before End runs as an instant query at
// End; otherwise it runs as a range query from Start to End every Step.
// The expression must evaluate to at most one series (aggregate it with sum
// or similar). NaN values — e.g. an error ratio with no traffic — and an
// empty result yield no samples, which the analysis reads as inconclusive;
// an unreachable server or a query Prometheus rejects is an error.
type Prometheus struct {
	api       promv1.API
	address   string
	namespace string
	labels    PromLabels
	metrics   PromMetrics
	window    time.Duration
	overrides map[string]string
	log       *slog.Logger
	transport http.RoundTripper
}

var _ Provider = (*Prometheus)(nil)

// PromLabels names the labels that tell services, releases and namespaces
// apart in the scraped series. Set them to what the scrape config's
// relabelling produces; an empty Namespace leaves namespace out.
type PromLabels struct {
	Service   string // default "service"
	Release   string // default "revision"
	Namespace string // default "namespace"
	Code      string // HTTP status label of the requests counter, default "code"
}

// PromMetrics names the metrics the built-in queries read. The defaults are
// what Python services commonly export with prometheus_client.
type PromMetrics struct {
	// Requests is a counter of served requests carrying the Code label,
	// default "http_requests_total". To count from a latency histogram
	// instead, set it to the histogram's "_count" series (whose Code label
	// must then be on the histogram).
	Requests string
	// Latency is a histogram of request durations in seconds (its _bucket,
	// _sum and _count series), default "http_request_duration_seconds".
	Latency string
	// ErrorCodes is a regular expression over the Code label that counts
	// as failed, default "5.." (which also matches grouped codes like "5xx").
	ErrorCodes string
}

// PrometheusOption configures a Prometheus provider.
type PrometheusOption func(*Prometheus)

// WithPromNamespace sets the Kubernetes namespace the queries select.
func WithPromNamespace(ns string) PrometheusOption { return func(p *Prometheus) { p.namespace = ns } }

// WithPromLabels overrides label names; empty fields keep their defaults,
// except Namespace, which set to "-" leaves namespace out of selectors.
func WithPromLabels(l PromLabels) PrometheusOption {
	return func(p *Prometheus) {
		p.labels.Service = cmp.Or(l.Service, p.labels.Service)
		p.labels.Release = cmp.Or(l.Release, p.labels.Release)
		p.labels.Namespace = cmp.Or(l.Namespace, p.labels.Namespace)
		p.labels.Code = cmp.Or(l.Code, p.labels.Code)
		if l.Namespace == "-" {
			p.labels.Namespace = ""
		}
	}
}

// WithPromMetrics overrides metric names; empty fields keep their defaults.
func WithPromMetrics(m PromMetrics) PrometheusOption {
	return func(p *Prometheus) {
		p.metrics.Requests = cmp.Or(m.Requests, p.metrics.Requests)
		p.metrics.Latency = cmp.Or(m.Latency, p.metrics.Latency)
		p.metrics.ErrorCodes = cmp.Or(m.ErrorCodes, p.metrics.ErrorCodes)
	}
}

// WithPromQuery replaces (or adds) the PromQL template behind a query name.
func WithPromQuery(name, tmpl string) PrometheusOption {
	return func(p *Prometheus) { p.overrides[name] = tmpl }
}

// WithRateWindow sets the range of rate() in built-in queries ({{.Window}}),
// default one minute. Keep it at least four scrape intervals.
func WithRateWindow(d time.Duration) PrometheusOption { return func(p *Prometheus) { p.window = d } }

// WithPromRoundTripper sets the HTTP transport (auth, TLS); default
// api.DefaultRoundTripper.
func WithPromRoundTripper(rt http.RoundTripper) PrometheusOption {
	return func(p *Prometheus) { p.transport = rt }
}

// WithPromLogger receives Prometheus's query warnings.
func WithPromLogger(l *slog.Logger) PrometheusOption { return func(p *Prometheus) { p.log = l } }

// NewPrometheus returns a provider for the Prometheus server at address
// (e.g. "http://prometheus.monitoring:9090").
func NewPrometheus(address string, opts ...PrometheusOption) (*Prometheus, error) {
	p := &Prometheus{
		address:   address,
		labels:    PromLabels{Service: "service", Release: "revision", Namespace: "namespace", Code: "code"},
		metrics:   PromMetrics{Requests: "http_requests_total", Latency: "http_request_duration_seconds", ErrorCodes: "5.."},
		window:    time.Minute,
		overrides: map[string]string{},
		log:       slog.New(slog.DiscardHandler),
		transport: api.DefaultRoundTripper,
	}
	for _, o := range opts {
		o(p)
	}
	if p.window <= 0 {
		return nil, fmt.Errorf("prometheus: rate window %s: expected a positive duration", p.window)
	}
	c, err := api.NewClient(api.Config{Address: address, RoundTripper: p.transport})
	if err != nil {
		return nil, fmt.Errorf("prometheus address %q: %w", address, err)
	}
	p.api = promv1.NewAPI(c)
	return p, nil
}

// Query runs the resolved PromQL as an instant or range query.
func (p *Prometheus) Query(ctx context.Context, q Query) ([]analysis.Sample, error) {
	expr, err := p.Resolve(q)
	if err != nil {
		return nil, err
	}
	end := q.End
	if end.IsZero() {
		end = time.Now()
	}
	var (
		val      model.Value
		warnings promv1.Warnings
	)
	if q.Start.IsZero() || !q.Start.Before(end) {
		val, warnings, _, err = p.api.Query(ctx, expr, end)
	} else {
		r := promv1.Range{Start: q.Start, End: end, Step: stepOf(q)}
		val, warnings, _, err = p.api.QueryRange(ctx, expr, r)
	}
	for _, w := range warnings {
		p.log.WarnContext(ctx, "prometheus query warning", "query", expr, "warning", w)
	}
	if err != nil {
		return nil, fmt.Errorf("prometheus %s: query %q: %w", p.address, expr, describePromError(err))
	}
	samples, err := promSamples(val)
	if err != nil {
		return nil, fmt.Errorf("prometheus query %q: %w", expr, err)
	}
	return samples, nil
}

// promSamples turns a query result of at most one series into samples,
// oldest first, leaving out NaN values.
func promSamples(v model.Value) ([]analysis.Sample, error) {
	var out []analysis.Sample
	add := func(t model.Time, v model.SampleValue) {
		if !math.IsNaN(float64(v)) {
			out = append(out, analysis.Sample{Time: t.Time().UTC(), Value: float64(v)})
		}
	}
	switch v := v.(type) {
	case model.Matrix:
		if len(v) > 1 {
			return nil, fmt.Errorf("expected one series, got %d (%s, …): aggregate the expression, e.g. with sum()", len(v), v[0].Metric)
		}
		for _, s := range v {
			for _, pt := range s.Values {
				add(pt.Timestamp, pt.Value)
			}
		}
	case model.Vector:
		if len(v) > 1 {
			return nil, fmt.Errorf("expected one series, got %d (%s, …): aggregate the expression, e.g. with sum()", len(v), v[0].Metric)
		}
		for _, s := range v {
			add(s.Timestamp, s.Value)
		}
	case *model.Scalar:
		add(v.Timestamp, v.Value)
	case nil:
	default:
		return nil, fmt.Errorf("expected a number or series, got a %s", v.Type())
	}
	return out, nil
}

// describePromError keeps Prometheus's own message (e.g. a PromQL parse
// error) and says so when the server could not be reached at all.
func describePromError(err error) error {
	var perr *promv1.Error
	if errors.As(err, &perr) {
		return fmt.Errorf("%s: %s", perr.Type, perr.Msg)
	}
	return fmt.Errorf("unreachable: %w", err)
}
