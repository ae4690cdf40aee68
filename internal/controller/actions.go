package controller

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// carryOut performs the actions that are not cluster state: smoke tests
// and measurement rounds (in the background; their results wake the
// Release), notifications. It returns how long the engine wants to wait.
func (r *Reconciler) carryOut(rel *v1alpha1.Release, tgt *kube.Target, p plan, actions []rollout.Action) time.Duration {
	var requeue time.Duration
	service, canary := rel.Spec.Service, p.Canary.ID
	for _, a := range actions {
		switch a := a.(type) {
		case rollout.RunSmoke:
			r.async(rel, fmt.Sprintf("smoke/%d", a.Step), func(ctx context.Context, res *rollout.Observations) {
				out, err := tgt.Smoke(ctx, service, canary, a.Smoke)
				if err != nil {
					// No result: the engine asks again; its deadline bounds it.
					r.log.Warn("smoke test could not run", "release", rel.Name, "err", err)
					return
				}
				res.Smoke = &rollout.SmokeResult{Step: a.Step, Passed: out.Passed, Reason: out.Reason}
			})
		case rollout.RunAnalysis:
			stable := ""
			if p.Stable != nil {
				stable = p.Stable.ID
			}
			provider := r.opts.MetricsFor(rel.Namespace)
			if provider == nil {
				provider = noProvider{}
			}
			r.async(rel, fmt.Sprintf("analysis/%d/%d", a.Step, a.Round), func(ctx context.Context, res *rollout.Observations) {
				ms := metrics.Measure(ctx, provider, a.Checks, metrics.Round{Service: service, Canary: canary,
					Stable: stable, Since: a.Since, At: a.At, Step: cmp.Or(r.opts.SampleStep, p.Spec.SampleStep())})
				res.Analysis = &rollout.AnalysisResult{Step: a.Step, Round: a.Round, Measurements: ms}
			})
		case rollout.Notify:
			if r.opts.Notifier == nil {
				continue
			}
			if ev, ok := driver.NotifyEvent(service, 0, p.State, a, r.now()); ok {
				if err := r.opts.Notifier.Notify(r.base, ev); err != nil {
					r.log.Warn("notify", "event", ev.Type, "release", rel.Name, "err", err)
				}
			}
		case rollout.RequeueAfter:
			requeue = a.After
		}
	}
	return requeue
}

// async runs work for rel in the background unless the same action (key)
// is already under way, then keeps its result for the next decision and
// wakes the Release. The engine re-issues an action until its result
// arrives, so at most one copy runs.
func (r *Reconciler) async(rel *v1alpha1.Release, key string, work func(ctx context.Context, res *rollout.Observations)) {
	uid := rel.UID
	r.mu.Lock()
	if r.running[uid] == key {
		r.mu.Unlock()
		return
	}
	r.running[uid] = key
	r.mu.Unlock()
	wake := rel.DeepCopy()
	go func() {
		var res rollout.Observations
		work(r.base, &res)
		r.mu.Lock()
		if r.running[uid] == key {
			delete(r.running, uid)
		}
		if res.Smoke != nil || res.Analysis != nil {
			p := r.pending[uid]
			if p == nil {
				p = &rollout.Observations{}
				r.pending[uid] = p
			}
			if res.Smoke != nil {
				p.Smoke = res.Smoke
			}
			if res.Analysis != nil {
				p.Analysis = res.Analysis
			}
		}
		r.mu.Unlock()
		select {
		case r.wake <- event.TypedGenericEvent[*v1alpha1.Release]{Object: wake}:
		case <-r.base.Done():
		}
	}()
}

// takePending returns (and forgets) the results kept for uid.
func (r *Reconciler) takePending(uid types.UID) rollout.Observations {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.pending[uid]
	delete(r.pending, uid)
	if p == nil {
		return rollout.Observations{}
	}
	return rollout.Observations{Smoke: p.Smoke, Analysis: p.Analysis}
}

// putPending gives back results a decision could not persist.
func (r *Reconciler) putPending(uid types.UID, obs rollout.Observations) {
	if obs.Smoke == nil && obs.Analysis == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending[uid] == nil {
		r.pending[uid] = &rollout.Observations{Smoke: obs.Smoke, Analysis: obs.Analysis}
	}
}

// forget drops what is kept for a Release that went away.
func (r *Reconciler) forget(uid types.UID) {
	r.forgetRollout(uid)
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.written, string(uid))
}

// forgetRollout drops what is kept for a Release's rollout once it ended,
// but not the note of the last write: while the Release exists, a turn
// whose cached copy lags behind that write must still read the API
// server (or it would finish the rollout a second time).
func (r *Reconciler) forgetRollout(uid types.UID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.pending, uid)
	delete(r.running, uid)
	delete(r.seen, uid)
}
