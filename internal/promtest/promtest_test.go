package promtest

import (
	"context"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/metrics"
)

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExporterCountsTrafficWithInjectedErrorRatio(t *testing.T) {
	e := NewExporter(t)
	stable := Revision{Service: "shop", Namespace: "prod", Revision: "v1"}
	canary := Revision{Service: "shop", Namespace: "prod", Revision: "v2"}
	idle := Revision{Service: "shop", Namespace: "prod", Revision: "v0"}
	e.Set(stable, Traffic{RPS: 200, Latency: 20 * time.Millisecond})
	e.Set(canary, Traffic{RPS: 200, ErrorRatio: 0.25, Latency: 400 * time.Millisecond})
	e.Set(idle, Traffic{})
	WaitFor(t, time.Minute, "300 canary requests", func() bool { n, _ := e.Counts(canary); return n >= 300 })

	n, f := e.Counts(canary)
	if math.Abs(float64(f)-0.25*float64(n)) > 1 {
		t.Errorf("canary: %d errors of %d requests, want 25%% to one request", f, n)
	}
	if _, f := e.Counts(stable); f != 0 {
		t.Errorf("stable: %d errors, want 0", f)
	}
	if n, _ := e.Counts(idle); n != 0 {
		t.Errorf("idle: %d requests, want 0", n)
	}
	body := scrape(t, e.URL)
	for _, want := range []string{
		`http_requests_total{code="500",namespace="prod",revision="v2",service="shop"}`,
		`http_requests_total{code="200",namespace="prod",revision="v1",service="shop"}`,
		`http_requests_total{code="200",namespace="prod",revision="v0",service="shop"} 0`,
		`http_request_duration_seconds_bucket{code="200",namespace="prod",revision="v2",service="shop",le="0.5"}`,
		`http_request_duration_seconds_sum{code="500",namespace="prod",revision="v2",service="shop"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(body, `code="500",namespace="prod",revision="v1"`) {
		t.Error("stable has a code 500 series without any error")
	}

	// A change at runtime: the canary stops failing.
	e.Set(canary, Traffic{RPS: 200, Latency: 400 * time.Millisecond})
	_, before := e.Counts(canary)
	n0, _ := e.Counts(canary)
	WaitFor(t, time.Minute, "100 more canary requests", func() bool { n, _ := e.Counts(canary); return n >= n0+100 })
	if _, after := e.Counts(canary); after != before {
		t.Errorf("canary errors went %d -> %d after ErrorRatio 0", before, after)
	}
	e.Close()
	if _, err := http.Get(e.URL); err == nil {
		t.Error("exporter still serving after Close")
	}
}

// The built-in queries of metrics.Prometheus see the exporter's revisions
// through a real prometheus, and follow a change of traffic.
func TestPrometheusScrapesExporterForBuiltinQueries(t *testing.T) {
	e := NewExporter(t)
	canary := Revision{Service: "shop", Namespace: "prod", Revision: "v2"}
	other := Revision{Service: "shop", Namespace: "staging", Revision: "v2"}
	e.Set(canary, Traffic{RPS: 100, ErrorRatio: 0.2, Latency: 400 * time.Millisecond})
	e.Set(other, Traffic{RPS: 100, ErrorRatio: 0.9, Latency: time.Millisecond})
	ps := Start(t, e.Addr)
	p, err := metrics.NewPrometheus(ps.URL, metrics.WithPromNamespace("prod"), metrics.WithRateWindow(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	query := func(expr string) []analysis.Sample {
		s, err := p.Query(ctx, metrics.Query{Expr: expr, Service: "shop", Release: "v2", End: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	WaitFor(t, time.Minute, "canary error_rate ≈ 0.2", func() bool {
		s := query(metrics.ErrorRate)
		return len(s) == 1 && math.Abs(s[0].Value-0.2) < 0.01
	})
	if s := query(metrics.LatencyP99); len(s) != 1 || s[0].Value <= 0.25 || s[0].Value > 0.5 {
		t.Errorf("canary latency_p99 = %v, want in the (0.25, 0.5] bucket", s)
	}
	e.Set(canary, Traffic{RPS: 100, Latency: 400 * time.Millisecond})
	WaitFor(t, time.Minute, "canary error_rate 0 after the change", func() bool {
		s := query(metrics.ErrorRate)
		return len(s) == 1 && s[0].Value == 0
	})
	ps.Stop()
	ps.Stop()
	if _, err := http.Get(ps.URL + "/-/ready"); err == nil {
		t.Error("prometheus still answering after Stop")
	}
}
