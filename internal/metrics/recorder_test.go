package metrics

import (
	"context"
	"math"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

var t0 = time.Unix(1_700_000_000, 0).UTC()

func TestRecorderErrorRateWindows(t *testing.T) {
	r := NewRecorder(0)
	// 10 s of traffic: 10 requests a second; seconds 5-9 fail 2 of 10.
	for s := 0; s < 10; s++ {
		for i := 0; i < 10; i++ {
			r.Record("svc", "v2", t0.Add(time.Duration(s)*time.Second), 10*time.Millisecond, s >= 5 && i < 2)
		}
	}
	r.Record("svc", "v1", t0, time.Millisecond, true)
	got, err := r.Query(context.Background(), Query{Expr: ErrorRate, Service: "svc", Release: "v2", Start: t0, End: t0.Add(9 * time.Second), Step: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0.2}
	if len(got) != len(want) {
		t.Fatalf("got %d samples %v, want %v", len(got), got, want)
	}
	for i, w := range want {
		if math.Abs(got[i].Value-w) > 1e-9 {
			t.Errorf("sample %d = %v, want %v", i, got[i].Value, w)
		}
	}
	if !got[0].Time.Before(got[1].Time) || got[1].Time.After(t0.Add(9*time.Second)) {
		t.Errorf("samples not oldest first: %v", got)
	}
	rate, _ := r.Query(context.Background(), Query{Expr: RequestRate, Service: "svc", Release: "v2", Start: t0, End: t0.Add(9 * time.Second), Step: 5 * time.Second})
	if len(rate) != 2 || rate[1].Value != 10 {
		t.Errorf("request_rate = %v, want 10/s", rate)
	}
}

func TestRecorderNoDataIsNoSample(t *testing.T) {
	r := NewRecorder(0)
	r.Record("svc", "v1", t0, time.Millisecond, false)
	for _, expr := range []string{ErrorRate, LatencyP99} {
		got, err := r.Query(context.Background(), Query{Expr: expr, Service: "svc", Release: "v1", Start: t0.Add(10 * time.Second), End: t0.Add(30 * time.Second)})
		if err != nil || len(got) != 0 {
			t.Errorf("%s: got %v, %v; want no samples", expr, got, err)
		}
	}
	got, _ := r.Query(context.Background(), Query{Expr: ErrorRate, Service: "svc", Release: "other", Start: t0, End: t0.Add(30 * time.Second)})
	if len(got) != 0 {
		t.Errorf("unknown release: %v", got)
	}
}

func TestRecorderQuantiles(t *testing.T) {
	r := NewRecorder(0)
	// latencies 1..1000 ms, one each
	for i := 1; i <= 1000; i++ {
		r.Record("svc", "v1", t0, time.Duration(i)*time.Millisecond, false)
	}
	for _, tc := range []struct {
		expr string
		want float64
	}{{LatencyP50, 0.5}, {LatencyP95, 0.95}, {LatencyP99, 0.99}, {LatencyMean, 0.5005}} {
		got, err := r.Query(context.Background(), Query{Expr: tc.expr, Service: "svc", Release: "v1", Start: t0, End: t0, Step: time.Second})
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: %v %v", tc.expr, got, err)
		}
		if rel := math.Abs(got[0].Value-tc.want) / tc.want; rel > 0.10 {
			t.Errorf("%s = %.4f, want %.4f ±10%%", tc.expr, got[0].Value, tc.want)
		}
	}
}

func TestRecorderUnknownQuery(t *testing.T) {
	_, err := NewRecorder(0).Query(context.Background(), Query{Expr: "rate(x[1m])"})
	if err == nil {
		t.Fatal("want an error for a non-built-in query")
	}
}

func TestMeasure(t *testing.T) {
	r := NewRecorder(0)
	for s := 0; s < 20; s++ {
		at := t0.Add(time.Duration(s) * time.Second)
		r.Record("svc", "v1", at, 10*time.Millisecond, false)
		r.Record("svc", "v2", at, 50*time.Millisecond, s%2 == 0)
	}
	checks := []analysis.Check{
		{Name: "errors", Kind: analysis.Threshold, Query: ErrorRate},
		{Name: "latency", Kind: analysis.Compare, Query: LatencyP50},
		{Name: "broken", Kind: analysis.Threshold, Query: "nope"},
	}
	got := Measure(context.Background(), r, checks, Round{Service: "svc", Canary: "v2", Stable: "v1", Since: t0, At: t0.Add(19 * time.Second), Step: 2 * time.Second})
	if m := got["errors"]; len(m.Canary) != 10 || len(m.Stable) != 0 || m.Err != "" || m.Canary[0].Value != 0.5 {
		t.Errorf("errors: %+v", m)
	}
	if m := got["latency"]; len(m.Canary) != 10 || len(m.Stable) != 10 {
		t.Errorf("latency: %+v", m)
	}
	if m := got["broken"]; m.Err == "" {
		t.Errorf("broken query: want Err, got %+v", m)
	}
	if got["errors"].Query != `error_rate{service="svc",release="v2"}[step=2s]` {
		t.Errorf("resolved query %q", got["errors"].Query)
	}
}
