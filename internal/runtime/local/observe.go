package local

import (
	"context"
	"fmt"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Observe reports the service's releases, replicas and weight in effect.
func (rt *Runtime) Observe(_ context.Context, name string) (runtime.Observed, error) {
	s := rt.lookup(name)
	if s == nil {
		return runtime.Observed{Service: name, Converged: true, Runs: rt.ModeLine()}, nil
	}
	o := s.observe()
	o.Runs = rt.ModeLine()
	return o, nil
}

// Logs returns the newest lines of the release's replicas.
func (rt *Runtime) Logs(_ context.Context, name, id string, tail int) ([]string, error) {
	s := rt.lookup(name)
	if s == nil {
		return nil, fmt.Errorf("no service %s", name)
	}
	rt.mu.Lock()
	ring := s.logs[id]
	rt.mu.Unlock()
	if ring == nil {
		return nil, fmt.Errorf("service %s has no release %s", name, id)
	}
	return ring.tail(tail), nil
}

// FailedRequests returns the newest failing requests served by the release.
func (rt *Runtime) FailedRequests(_ context.Context, name, id string, limit int) ([]runtime.FailedRequest, error) {
	s := rt.lookup(name)
	if s == nil {
		return nil, nil
	}
	return s.failures.list(id, limit), nil
}

// Query answers the built-in queries from what the proxies measured.
func (rt *Runtime) Query(ctx context.Context, q metrics.Query) ([]analysis.Sample, error) {
	return rt.recorder.Query(ctx, q)
}

// Resolve names a built-in query.
func (rt *Runtime) Resolve(q metrics.Query) (string, error) { return rt.recorder.Resolve(q) }
