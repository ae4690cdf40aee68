package metrics

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/promtest"
)

func near(got, want float64) bool { return math.Abs(got-want) < 0.005 }

func TestPrometheusProviderAgainstRealServer(t *testing.T) {
	// prometheus_client-style series per revision, generated at a steady
	// 100 requests/s: stable 0 % errors at 20 ms, canary 20 % at 400 ms, idle
	// no traffic (its series exist).
	exp := promtest.NewExporter(t)
	exp.Set(promtest.Revision{Service: "shop", Revision: "stable"}, promtest.Traffic{RPS: 100, Latency: 20 * time.Millisecond})
	exp.Set(promtest.Revision{Service: "shop", Revision: "canary"}, promtest.Traffic{RPS: 100, ErrorRatio: 0.2, Latency: 400 * time.Millisecond})
	exp.Set(promtest.Revision{Service: "shop", Revision: "idle"}, promtest.Traffic{})
	ps := promtest.Start(t, exp.Addr)
	p, err := NewPrometheus(ps.URL, WithRateWindow(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	instant := func(rev, expr string) Query {
		return Query{Expr: expr, Service: "shop", Release: rev, End: time.Now()}
	}
	// Enough scrapes that the 5 s window holds several.
	promtest.WaitFor(t, time.Minute, "six scrapes of the canary", func() bool {
		s, err := p.Query(ctx, Query{Expr: `count_over_time(http_requests_total{revision="canary",code="500"}[10s])`, End: time.Now()})
		return err == nil && len(s) == 1 && s[0].Value >= 6
	})

	t.Run("canary_error_rate_is_injected_ratio", func(t *testing.T) {
		s, err := p.Query(ctx, instant("canary", ErrorRate))
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || !near(s[0].Value, 0.2) {
			t.Fatalf("canary error_rate = %v, want one sample ≈ 0.2", s)
		}
	})
	t.Run("stable_error_rate_is_zero", func(t *testing.T) {
		s, err := p.Query(ctx, instant("stable", ErrorRate))
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || s[0].Value != 0 {
			t.Fatalf("stable error_rate = %v, want one sample of 0", s)
		}
	})
	t.Run("range_query_gives_a_sample_per_step", func(t *testing.T) {
		end := time.Now()
		s, err := p.Query(ctx, Query{Expr: SuccessRate, Service: "shop", Release: "canary",
			Start: end.Add(-3 * time.Second), End: end, Step: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if len(s) < 3 {
			t.Fatalf("range success_rate = %v, want at least 3 samples", s)
		}
		for i, x := range s {
			if !near(x.Value, 0.8) || (i > 0 && !x.Time.After(s[i-1].Time)) {
				t.Fatalf("range success_rate = %v, want ≈ 0.8 each, oldest first", s)
			}
		}
	})
	t.Run("latency_p99_tells_revisions_apart", func(t *testing.T) {
		st, err1 := p.Query(ctx, instant("stable", LatencyP99))
		ca, err2 := p.Query(ctx, instant("canary", LatencyP99))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		// Observations fall in the (0.01, 0.025] and (0.25, 0.5] buckets.
		if len(st) != 1 || st[0].Value <= 0.01 || st[0].Value > 0.025 {
			t.Errorf("stable latency_p99 = %v, want in (0.01, 0.025]", st)
		}
		if len(ca) != 1 || ca[0].Value <= 0.25 || ca[0].Value > 0.5 {
			t.Errorf("canary latency_p99 = %v, want in (0.25, 0.5]", ca)
		}
	})
	t.Run("latency_mean_and_request_rate", func(t *testing.T) {
		m, err := p.Query(ctx, instant("canary", LatencyMean))
		if err != nil || len(m) != 1 || !near(m[0].Value, 0.4) {
			t.Fatalf("canary latency_mean = %v, %v; want ≈ 0.4", m, err)
		}
		r, err := p.Query(ctx, instant("canary", RequestRate))
		if err != nil || len(r) != 1 || r[0].Value <= 0 {
			t.Fatalf("canary request_rate = %v, %v; want > 0", r, err)
		}
	})
	t.Run("unknown_revision_has_no_samples", func(t *testing.T) {
		for _, expr := range []string{ErrorRate, LatencyP99, RequestRate} {
			s, err := p.Query(ctx, instant("nope", expr))
			if err != nil || len(s) != 0 {
				t.Fatalf("%s for an unknown revision = %v, %v; want no samples, no error", expr, s, err)
			}
		}
	})
	t.Run("idle_revision_ratio_is_nan_so_no_samples", func(t *testing.T) {
		r, err := p.Query(ctx, instant("idle", RequestRate))
		if err != nil || len(r) != 1 || r[0].Value != 0 {
			t.Fatalf("idle request_rate = %v, %v; want one sample of 0 (the series exists)", r, err)
		}
		s, err := p.Query(ctx, instant("idle", ErrorRate))
		if err != nil || len(s) != 0 {
			t.Fatalf("idle error_rate = %v, %v; want no samples (0/0 is NaN)", s, err)
		}
	})
	t.Run("rejected_promql_is_an_error", func(t *testing.T) {
		_, err := p.Query(ctx, instant("canary", "sum(rate(x[5s]"))
		if err == nil || !strings.Contains(err.Error(), "bad_data") {
			t.Fatalf("error = %v, want Prometheus's bad_data", err)
		}
	})
	t.Run("many_series_is_an_error", func(t *testing.T) {
		_, err := p.Query(ctx, instant("canary", "http_requests_total"))
		if err == nil || !strings.Contains(err.Error(), "expected one series") {
			t.Fatalf("error = %v, want 'expected one series'", err)
		}
	})
	t.Run("stopped_prometheus_is_an_error", func(t *testing.T) {
		ps.Stop()
		_, err := p.Query(ctx, instant("canary", ErrorRate))
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Fatalf("error = %v, want unreachable", err)
		}
	})
}
