package controller

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// asyncExec is the controller's loop.Executor: smoke tests and measurement
// rounds run in the background (their results wake the Release), so a slow
// smoke Job holds no worker; notifications are sent at once.
type asyncExec struct {
	r   *Reconciler
	rel *v1alpha1.Release
	tgt *kube.Target
}

func (x *asyncExec) Carry(_ context.Context, st loop.State, actions []rollout.Action) time.Duration {
	r, rel := x.r, x.rel
	var requeue time.Duration
	service := rel.Spec.Service
	for _, a := range actions {
		switch a := a.(type) {
		case rollout.RunSmoke:
			r.async(rel, fmt.Sprintf("smoke/%d", a.Step), func(ctx context.Context) rollout.Observations {
				res, err := loop.Smoke(ctx, x.tgt, service, st, a)
				if err != nil {
					// No result: the engine asks again; its deadline bounds it.
					r.log.Warn("smoke test could not run", "release", rel.Name, "err", err)
				}
				return rollout.Observations{Smoke: res}
			})
		case rollout.RunAnalysis:
			provider := r.opts.MetricsFor(rel.Namespace)
			if provider == nil {
				provider = noProvider{}
			}
			step := cmp.Or(r.opts.SampleStep, st.Spec.SampleStep())
			r.async(rel, fmt.Sprintf("analysis/%d/%d", a.Step, a.Round), func(ctx context.Context) rollout.Observations {
				return rollout.Observations{Analysis: loop.Measure(ctx, provider, service, st, a, step)}
			})
		case rollout.Notify:
			if r.opts.Notifier == nil {
				continue
			}
			if ev, ok := loop.NotifyEvent(service, 0, st, a, r.now()); ok {
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
func (r *Reconciler) async(rel *v1alpha1.Release, key string, work func(ctx context.Context) rollout.Observations) {
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
		defer crash.Recover() // a panic here is a bug: exit 3, as on any goroutine
		res := work(r.base)
		r.mu.Lock()
		if r.running[uid] == key {
			delete(r.running, uid)
		}
		r.mu.Unlock()
		r.results.Put(uid, res)
		select {
		case r.wake <- event.TypedGenericEvent[*v1alpha1.Release]{Object: wake}:
		case <-r.base.Done():
		}
	}()
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
	r.results.Forget(uid)
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, uid)
	delete(r.seen, uid)
}
