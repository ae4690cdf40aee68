package deploy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/metrics"
)

func TestDecodeRuntimeMetrics(t *testing.T) {
	const head = "runtime:\n  metrics:\n"
	for _, tc := range []struct {
		name, src string
		want      config.Metrics
		wantErr   string // substring, with position
	}{
		{"absent", "runtime:\n  replicas: 2\n", config.Metrics{}, ""},
		{"null", head, config.Metrics{}, ""},
		{"local", head + "    provider: local\n", config.Metrics{Provider: "local"}, ""},
		{"httpjson", head + "    provider: httpjson\n    timeout: 3s\n", config.Metrics{Provider: "httpjson", Timeout: 3 * time.Second}, ""},
		{"prometheus_full", head + "    provider: prometheus\n    url: http://127.0.0.1:9090\n    namespace: prod\n    labels: {service: job, release: version, namespace: \"-\", code: status}\n",
			config.Metrics{Provider: "prometheus", URL: "http://127.0.0.1:9090", Namespace: "prod", Labels: config.MetricsLabels{Service: "job", Release: "version", Namespace: "-", Code: "status"}}, ""},
		{"unknown_provider", head + "    provider: datadog\n", config.Metrics{}, "pinwheel.yaml:3:15: runtime.metrics.provider: expected local, prometheus or httpjson, got \"datadog\""},
		{"provider_not_string", head + "    provider: [prometheus]\n", config.Metrics{}, "pinwheel.yaml:3:15: runtime.metrics.provider"},
		{"prometheus_without_url", head + "    timeout: 2s\n    provider: prometheus\n", config.Metrics{}, "pinwheel.yaml:4:15: runtime.metrics: provider prometheus needs url"},
		{"bad_url_scheme", head + "    provider: prometheus\n    url: ftp://x:9090\n", config.Metrics{}, "pinwheel.yaml:4:10: runtime.metrics.url: expected an http:// or https:// URL"},
		{"url_without_host", head + "    provider: prometheus\n    url: http://\n", config.Metrics{}, "pinwheel.yaml:4:10: runtime.metrics.url"},
		{"url_unparsable", head + "    provider: prometheus\n    url: \"http://[::1\"\n", config.Metrics{}, "pinwheel.yaml:4:10: runtime.metrics.url"},
		{"url_with_httpjson", head + "    provider: httpjson\n    url: http://127.0.0.1:1\n", config.Metrics{}, "pinwheel.yaml:4:5: runtime.metrics.url: only provider prometheus uses url"},
		{"labels_with_local", head + "    provider: local\n    labels: {service: job}\n", config.Metrics{}, "pinwheel.yaml:4:5: runtime.metrics.labels: only provider prometheus"},
		{"missing_provider", head + "    url: http://127.0.0.1:9090\n", config.Metrics{}, "pinwheel.yaml:3:5: runtime.metrics: provider is missing"},
		{"bad_timeout", head + "    provider: httpjson\n    timeout: soon\n", config.Metrics{}, "pinwheel.yaml:4:14: runtime.metrics.timeout"},
		{"negative_timeout", head + "    provider: httpjson\n    timeout: -1s\n", config.Metrics{}, "pinwheel.yaml:4:14: runtime.metrics.timeout"},
		{"bad_label_name", head + "    provider: prometheus\n    url: http://p:9090\n    labels: {service: 9job}\n", config.Metrics{}, "pinwheel.yaml:5:23: runtime.metrics.labels.service: expected a Prometheus label name"},
		{"unknown_label", head + "    provider: prometheus\n    url: http://p:9090\n    labels: {pod: p}\n", config.Metrics{}, "pinwheel.yaml:5:14: runtime.metrics.labels: unknown key \"pod\""},
		{"labels_not_mapping", head + "    provider: prometheus\n    url: http://p:9090\n    labels: job\n", config.Metrics{}, "pinwheel.yaml:5:13: runtime.metrics.labels: expected a mapping"},
		{"unknown_key", head + "    provider: local\n    endpoint: x\n", config.Metrics{}, "pinwheel.yaml:4:5: runtime.metrics: unknown key \"endpoint\""},
		{"duplicate_key", head + "    provider: local\n    provider: httpjson\n", config.Metrics{}, "pinwheel.yaml:4:5: runtime.metrics: duplicate key"},
		{"not_mapping", "runtime:\n  metrics: prometheus\n", config.Metrics{}, "pinwheel.yaml:2:12: runtime.metrics: expected a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeRuntimeYAML(t, tc.src)
			if tc.wantErr == "" {
				if err != nil || got.Metrics != tc.want {
					t.Fatalf("got %+v, %v; want %+v", got.Metrics, err, tc.want)
				}
				return
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want an input error containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestNewProvider: each provider name builds its provider; local and unset
// leave the target's own in charge.
func TestNewProvider(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  config.Metrics
		want string // %T of the provider, "" for nil
	}{
		{"unset", config.Metrics{}, ""},
		{"local", config.Metrics{Provider: config.MetricsLocal}, ""},
		{"httpjson", config.Metrics{Provider: config.MetricsHTTPJSON}, "*metrics.HTTPJSON"},
		{"prometheus", config.Metrics{Provider: config.MetricsPrometheus, URL: "http://127.0.0.1:9090", Namespace: "prod", Labels: config.MetricsLabels{Release: "version"}}, "*metrics.Prometheus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewMetricsProvider(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := typeName(p); got != tc.want {
				t.Fatalf("provider %s, want %s", got, tc.want)
			}
		})
	}
}

func typeName(p metrics.Provider) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("%T", p)
}

// TestLoadProjectPrometheusMetrics: the configured labels and namespace
// reach the PromQL the provider runs.
func TestLoadProjectPrometheusMetrics(t *testing.T) {
	dir := shopCopy(t)
	replaceInFile(t, filepath.Join(dir, "pinwheel.yaml"), "\nrollout:\n",
		"\nruntime:\n  metrics:\n    provider: prometheus\n    url: http://127.0.0.1:9090\n    namespace: prod\n    labels: {release: version}\n\nrollout:\n")
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	prom, ok := p.Metrics.(*metrics.Prometheus)
	if !ok {
		t.Fatalf("Project.Metrics = %T, want *metrics.Prometheus", p.Metrics)
	}
	q, err := prom.Resolve(metrics.Query{Expr: metrics.ErrorRate, Service: "shop", Release: "shop-7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`version="shop-7"`, `namespace="prod"`, `service="shop"`} {
		if !strings.Contains(q, want) {
			t.Errorf("PromQL %s lacks %s", q, want)
		}
	}
	r := &Runner{Project: p, Target: Target{Metrics: metrics.NewRecorder(time.Minute)}}
	if r.metrics() != p.Metrics {
		t.Error("the runner does not use the configured provider")
	}
}

// TestLoadProjectHTTPJSONNeedsURLQueries: with httpjson, a check whose
// query is a built-in name is refused at its line before anything runs.
func TestLoadProjectHTTPJSONNeedsURLQueries(t *testing.T) {
	dir := shopCopy(t)
	replaceInFile(t, filepath.Join(dir, "pinwheel.yaml"), "\nrollout:\n", "\nruntime:\n  metrics:\n    provider: httpjson\n\nrollout:\n")
	_, err := LoadProject(dir)
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "pinwheel.yaml:") || !strings.Contains(err.Error(), `query "error_rate": runtime.metrics.provider httpjson needs an http:// or https:// URL`) {
		t.Fatalf("err = %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "pinwheel.yaml"))
	line := 1 + strings.Count(string(b[:strings.Index(string(b), "query: error_rate")]), "\n")
	var ie *inputerr.Error
	if errors.As(err, &ie); ie.Line != line || ie.Col != 14 {
		t.Fatalf("error at %d:%d, want %d:14 (the query): %v", ie.Line, ie.Col, line, err)
	}
}
