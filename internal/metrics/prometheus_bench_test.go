package metrics

import (
	"context"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/promtest"
)

// BenchmarkPrometheusQuery measures one built-in query's round trip to a
// real prometheus (instant and 5-minute range at 5 s steps), the cost an
// analysis round pays per check.
func BenchmarkPrometheusQuery(b *testing.B) {
	exp := promtest.NewExporter(b)
	exp.Set(promtest.Revision{Service: "shop", Revision: "canary"}, promtest.Traffic{RPS: 100, ErrorRatio: 0.2, Latency: 400 * time.Millisecond})
	ps := promtest.Start(b, exp.Addr)
	p, err := NewPrometheus(ps.URL, WithRateWindow(5*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	promtest.WaitFor(b, time.Minute, "canary samples", func() bool {
		s, err := p.Query(ctx, Query{Expr: ErrorRate, Service: "shop", Release: "canary", End: time.Now()})
		return err == nil && len(s) == 1
	})
	for _, bc := range []struct {
		name    string
		expr    string
		span    time.Duration
		step    time.Duration
		isRange bool
	}{
		{name: "error_rate_instant", expr: ErrorRate},
		{name: "latency_p99_instant", expr: LatencyP99},
		{name: "error_rate_range_5m", expr: ErrorRate, span: 5 * time.Minute, step: 5 * time.Second, isRange: true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				end := time.Now()
				q := Query{Expr: bc.expr, Service: "shop", Release: "canary", End: end, Step: bc.step}
				if bc.isRange {
					q.Start = end.Add(-bc.span)
				}
				s, err := p.Query(ctx, q)
				if err != nil || len(s) == 0 {
					b.Fatalf("%v, %v", s, err)
				}
			}
		})
	}
}
