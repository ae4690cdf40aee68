// Package metrics owns where SLI samples come from: the Provider interface,
// the local proxy's in-memory recorder (Recorder, which answers built-in
// queries such as error_rate and latency_p99 per release), a generic HTTP/JSON
// provider for services that expose their own numbers, a Prometheus provider
// (instant and range PromQL with built-in queries for prometheus_client
// request metrics), and Measure, which turns a rollout's analysis request
// into analysis.Measurements.
//
// It does not judge samples (internal/analysis does) and does not run
// anything (internal/runtime does).
package metrics

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Provider answers metric queries with samples.
type Provider interface {
	// Query returns the samples of q.Expr for q.Release in [q.Start, q.End],
	// about one per q.Step, oldest first. Intervals with no data are left
	// out (never reported as zero), so too little traffic shows up as too
	// few samples — inconclusive — rather than as a pass.
	Query(ctx context.Context, q Query) ([]analysis.Sample, error)
	// Resolve returns q.Expr as the provider will run it (templates filled
	// in), for verdicts and status displays.
	Resolve(q Query) (string, error)
}

// Query is one metric query for one release of a service.
type Query struct {
	// Expr is the check's query: a built-in name for the local proxy
	// (see Builtins) or a provider-specific expression, which may use the
	// Go template fields {{.Service}}, {{.Release}}, {{.Start}}, {{.End}}
	// and {{.Step}} (Unix seconds for times, seconds for the step).
	Expr    string    `json:"expr"`
	Service string    `json:"service"`
	Release string    `json:"release"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	// Step is the resolution: one sample per Step. Zero means DefaultStep.
	// In JSON it is a Go duration in nanoseconds.
	Step time.Duration `json:"step,omitempty"`
}

// DefaultStep is the sample resolution when a Query leaves Step empty.
const DefaultStep = 5 * time.Second

// The built-in query names the local proxy's Recorder answers. Each sample
// covers one Step of requests served by the release:
const (
	ErrorRate   = "error_rate"   // failed / total (5xx, resets, timeouts), 0..1
	SuccessRate = "success_rate" // 1 - error_rate
	RequestRate = "request_rate" // requests per second
	LatencyP50  = "latency_p50"  // seconds, from the latency histogram
	LatencyP95  = "latency_p95"
	LatencyP99  = "latency_p99"
	LatencyMean = "latency_mean"
)

// Builtins lists the built-in query names.
func Builtins() []string {
	return []string{ErrorRate, SuccessRate, RequestRate, LatencyP50, LatencyP95, LatencyP99, LatencyMean}
}
