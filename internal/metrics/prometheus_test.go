package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestPrometheusResolve(t *testing.T) {
	at := time.Unix(1700000000, 0)
	q := Query{Service: "shop", Release: "rev-2", Start: at.Add(-time.Minute), End: at, Step: 10 * time.Second}
	tests := []struct {
		name string
		opts []PrometheusOption
		expr string
		want string
	}{
		{
			name: "error_rate_defaults",
			opts: []PrometheusOption{WithPromNamespace("prod")},
			expr: ErrorRate,
			want: `(sum(rate(http_requests_total{service="shop",revision="rev-2",namespace="prod",code=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{service="shop",revision="rev-2",namespace="prod"}[1m]))`,
		},
		{
			name: "error_rate_from_histogram_count_with_own_labels",
			opts: []PrometheusOption{
				WithPromLabels(PromLabels{Service: "app", Release: "pod_template_hash", Namespace: "-", Code: "status"}),
				WithPromMetrics(PromMetrics{Requests: "http_request_duration_seconds_count", ErrorCodes: `5\d\d`}),
				WithRateWindow(30 * time.Second),
			},
			expr: ErrorRate,
			want: `(sum(rate(http_request_duration_seconds_count{app="shop",pod_template_hash="rev-2",status=~"5\\d\\d"}[30s])) or vector(0)) / sum(rate(http_request_duration_seconds_count{app="shop",pod_template_hash="rev-2"}[30s]))`,
		},
		{
			name: "latency_p99",
			expr: LatencyP99,
			want: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="shop",revision="rev-2"}[1m])))`,
		},
		{
			name: "latency_mean_other_histogram",
			opts: []PrometheusOption{WithPromMetrics(PromMetrics{Latency: "flask_http_request_duration_seconds"})},
			expr: LatencyMean,
			want: `sum(rate(flask_http_request_duration_seconds_sum{service="shop",revision="rev-2"}[1m])) / sum(rate(flask_http_request_duration_seconds_count{service="shop",revision="rev-2"}[1m]))`,
		},
		{
			name: "request_rate",
			expr: RequestRate,
			want: `sum(rate(http_requests_total{service="shop",revision="rev-2"}[1m]))`,
		},
		{
			name: "override_builtin",
			opts: []PrometheusOption{WithPromQuery(ErrorRate, `my_errors{ {{- .Selector -}} }`)},
			expr: ErrorRate,
			want: `my_errors{service="shop",revision="rev-2"}`,
		},
		{
			name: "custom_template_all_fields",
			opts: []PrometheusOption{WithPromNamespace("ns")},
			expr: `x{svc="{{.Service}}",rev="{{.Release}}",ns="{{.Namespace}}"} @ {{.End}} # {{.Start}} {{.Step}} {{.Window}}`,
			want: `x{svc="shop",rev="rev-2",ns="ns"} @ 1700000000 # 1699999940 10 1m`,
		},
		{
			name: "quotes_in_values_are_escaped",
			opts: []PrometheusOption{WithPromNamespace(`a"b`)},
			expr: `up{ {{- .Selector -}} }`,
			want: `up{service="shop",revision="rev-2",namespace="a\"b"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPrometheus("http://127.0.0.1:9", tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			q := q
			q.Expr = tt.expr
			got, err := p.Resolve(q)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Resolve(%s)\n got %s\nwant %s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestPrometheusResolveErrors(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"empty", "  ", "got an empty query"},
		{"unknown_field", "x{a={{.Revision}}}", "can't evaluate field Revision"},
		{"bad_template", "x{{", "prometheus query template"},
	}
	p, err := NewPrometheus("http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Resolve(Query{Expr: tt.expr, Service: "s", Release: "r"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Resolve(%q) error = %v, want it to contain %q", tt.expr, err, tt.want)
			}
		})
	}
}

func TestNewPrometheusRejects(t *testing.T) {
	if _, err := NewPrometheus("http://127.0.0.1:9", WithRateWindow(0)); err == nil {
		t.Error("zero rate window accepted")
	}
	if _, err := NewPrometheus("://no-scheme"); err == nil {
		t.Error("malformed address accepted")
	}
}

// FuzzPrometheusResolve: any query text and label values resolve or fail
// with an error, never a panic, and built-in selectors keep values quoted.
func FuzzPrometheusResolve(f *testing.F) {
	for _, s := range []string{ErrorRate, LatencyP99, `x{ {{- .Selector -}} }`, "{{", "{{.Nope}}", `{{q .Service}}`} {
		f.Add(s, "shop", "rev")
	}
	p, err := NewPrometheus("http://127.0.0.1:9", WithPromNamespace("ns"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expr, service, release string) {
		got, err := p.Resolve(Query{Expr: expr, Service: service, Release: release})
		if err != nil {
			return
		}
		if expr == RequestRate && release != "" && !strings.Contains(got, `revision=`) {
			t.Fatalf("request_rate for release %q lost its matcher: %s", release, got)
		}
	})
}
