package loop

import (
	"context"
	"sync"
	"time"

	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Smoke runs the engine's RunSmoke action a against st's canary on t. An
// error means the test could not run (no result: the engine asks again).
func Smoke(ctx context.Context, t runtime.Target, service string, st State, a rollout.RunSmoke) (*rollout.SmokeResult, error) {
	res, err := t.Smoke(ctx, service, st.Canary.ID, a.Smoke)
	if err != nil {
		return nil, err
	}
	return &rollout.SmokeResult{Step: a.Step, Passed: res.Passed, Reason: res.Reason}, nil
}

// Measure takes the measurement round the engine's RunAnalysis action a
// asks for, at the sample resolution step.
func Measure(ctx context.Context, p metrics.Provider, service string, st State, a rollout.RunAnalysis, step time.Duration) *rollout.AnalysisResult {
	ms := metrics.Measure(ctx, p, a.Checks, metrics.Round{Service: service, Canary: st.Canary.ID,
		Stable: st.StableID(), Since: a.Since, At: a.At, Step: step})
	return &rollout.AnalysisResult{Step: a.Step, Round: a.Round, Measurements: ms}
}

// Results keeps the results of actions (smoke tests, measurement rounds)
// until the next turn of their rollout takes them. Safe for concurrent use.
type Results[K comparable] struct {
	mu sync.Mutex
	m  map[K]rollout.Observations
}

// Put keeps res's results for key; a newer result of a kind replaces an
// older one.
func (r *Results[K]) Put(key K, res rollout.Observations) {
	if res.Smoke == nil && res.Analysis == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[K]rollout.Observations{}
	}
	kept := r.m[key]
	if res.Smoke != nil {
		kept.Smoke = res.Smoke
	}
	if res.Analysis != nil {
		kept.Analysis = res.Analysis
	}
	r.m[key] = kept
}

// GiveBack returns results a turn took but could not persist, unless newer
// ones arrived meanwhile.
func (r *Results[K]) GiveBack(key K, res rollout.Observations) {
	r.mu.Lock()
	_, newer := r.m[key]
	r.mu.Unlock()
	if !newer {
		r.Put(key, rollout.Observations{Smoke: res.Smoke, Analysis: res.Analysis})
	}
}

// Take returns and forgets the results kept for key.
func (r *Results[K]) Take(key K) rollout.Observations {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.m[key]
	delete(r.m, key)
	return res
}

// Forget drops what is kept for key.
func (r *Results[K]) Forget(key K) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, key)
}
