package controller

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// Finalizer keeps a Release that is deleted mid-rollout until its canary is
// scaled to zero.
const Finalizer = "pinwheel.dev/rollback-on-delete"

// Reconciler drives Releases. Create it with NewReconciler.
type Reconciler struct {
	client client.Client
	cs     kubernetes.Interface
	rec    record.EventRecorder
	opts   Options
	log    *slog.Logger

	// base is the context async work (smoke tests, measurements) runs in.
	base context.Context
	wake chan event.TypedGenericEvent[*v1alpha1.Release]

	mu      sync.Mutex
	results loop.Results[types.UID] // results for the next decision
	running map[types.UID]string    // the async action under way
	seen    map[types.UID]bool      // rollouts this process already stepped

	// ownerIndex says the client's cache indexes ReplicaSets and pods by
	// owner (kube.IndexOwner), set up by SetupWithManager.
	ownerIndex bool

	// reader reads around the cache (fresh.go); written is the
	// resourceVersion of each Release last written or read fresh.
	reader  client.Reader
	written map[string]string
}

// NewReconciler returns a reconciler using c (usually the manager's cached
// client), cs for pod logs and rec for Events.
func NewReconciler(c client.Client, cs kubernetes.Interface, rec record.EventRecorder, o Options) *Reconciler {
	o = o.withDefaults()
	return &Reconciler{client: c, cs: cs, rec: rec, opts: o, log: o.Log, base: context.Background(),
		wake:    make(chan event.TypedGenericEvent[*v1alpha1.Release], 1024),
		running: map[types.UID]string{}, seen: map[types.UID]bool{}}
}

func (r *Reconciler) now() time.Time { return r.opts.Clock() }

// Reconcile moves one Release one step.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	began := time.Now()
	defer func() { reconcileSeconds.Observe(time.Since(began).Seconds()) }()
	var rel v1alpha1.Release
	if err := r.client.Get(ctx, req.NamespacedName, &rel); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if err := r.fresh(ctx, req.NamespacedName, &rel); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !rel.DeletionTimestamp.IsZero() {
		return r.deleted(ctx, &rel)
	}
	p, ok, err := loadPlan(&rel)
	if err != nil {
		r.rec.Eventf(&rel, "Warning", "BadStatus", "cannot resume: %v", err)
		return ctrl.Result{}, err
	}
	if ok && p.Status.Phase.IsTerminal() {
		return r.finish(ctx, &rel, p)
	}
	if !ok {
		return r.begin(ctx, &rel)
	}
	return r.step(ctx, &rel, p)
}

// begin starts a Release once no older Release of its Deployment runs.
func (r *Reconciler) begin(ctx context.Context, rel *v1alpha1.Release) (ctrl.Result, error) {
	blocker, err := r.blockedBy(ctx, rel)
	if err != nil {
		return ctrl.Result{}, err
	}
	if blocker != "" {
		return r.waitFor(ctx, rel, blocker)
	}
	p, err := r.start(ctx, rel)
	if err != nil {
		return ctrl.Result{}, err
	}
	if !p.Status.Phase.IsTerminal() && controllerutil.AddFinalizer(rel, Finalizer) {
		if err := r.client.Update(ctx, rel); err != nil {
			return requeueOnConflict(err)
		}
		r.noteWrite(rel)
	}
	prev := rel.Status.DeepCopy()
	if err := storePlan(rel, p); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.client.Status().Update(ctx, rel); err != nil {
		return requeueOnConflict(err)
	}
	r.noteWrite(rel)
	r.events(rel, loop.Added(rollout.Status{Phase: rollout.Phase(prev.Phase)}, p.Status))
	if from := p.Status.StableRelease; from != "" {
		r.rec.Eventf(rel, "Normal", "Started", "rolling out %s beside stable release %s on deployment %s", rel.Spec.Image, from, deploymentOf(rel))
	}
	if p.Status.Phase.IsTerminal() {
		return r.finish(ctx, rel, p)
	}
	return ctrl.Result{RequeueAfter: time.Millisecond}, nil
}

// step is one turn of the loop (internal/loop): observe, decide, persist
// in the Release's status, act. The first time this controller sees a
// rollout in progress (after a restart or a leader change) it re-issues
// what was last persisted: a predecessor may have died between persisting
// a decision and acting on it.
func (r *Reconciler) step(ctx context.Context, rel *v1alpha1.Release, p plan) (ctrl.Result, error) {
	tgt := r.target(rel)
	pending := r.results.Take(rel.UID)
	r.command(rel, &p, &pending)
	store := &statusStore{r: r, rel: rel, plan: p}
	l := loop.Loop{Service: rel.Spec.Service, Target: tgt, Store: store,
		Exec: &asyncExec{r: r, rel: rel, tgt: tgt}, Now: r.now, Log: r.log.With("release", rel.Name),
		// A conflict: the cache had not seen our own last write yet; retried next turn.
		Routine: apierrors.IsConflict}
	res, err := l.Step(ctx, loop.Turn{State: p.State, Pending: pending, Reapply: r.firstSight(rel.UID)})
	if err != nil {
		r.results.GiveBack(rel.UID, pending)
		return ctrl.Result{}, err
	}
	if res.Conflict {
		r.results.GiveBack(rel.UID, res.Decided.Observations) // still valid for the same step and round
		return ctrl.Result{Requeue: true}, nil
	}
	r.events(rel, res.Decided.Decisions)
	if res.Done {
		return r.finish(ctx, rel, store.plan)
	}
	return ctrl.Result{RequeueAfter: r.requeue(res.Requeue, res.Actions)}, nil
}

// statusStore is the loop's Store for a rollout kept in a Release's status,
// written with the Release's resourceVersion (a stale writer conflicts).
type statusStore struct {
	r    *Reconciler
	rel  *v1alpha1.Release
	plan plan
}

func (s *statusStore) Save(ctx context.Context, st loop.State, _ loop.Decided) error {
	p := s.plan
	p.State = st
	before := s.rel.Status.DeepCopy()
	if err := storePlan(s.rel, p); err != nil {
		return err
	}
	if !sameStatus(before, &s.rel.Status) {
		if err := s.r.client.Status().Update(ctx, s.rel); err != nil {
			if apierrors.IsConflict(err) {
				return fmt.Errorf("%w: %w", loop.ErrConflict, err)
			}
			return err
		}
		s.r.noteWrite(s.rel)
	}
	s.plan = p
	return nil
}

// requeue is when to look at a Release again, given the engine's wish.
// The engine polls every rollout.PollInterval while it waits on the
// cluster, a provider or a person; here the watches (Deployments, the
// Release's annotations) and the background work's wake-ups already
// deliver those, so the poll is only a safety net (Options.WaitPoll). A
// turn that reshaped the runtime looks again soon: an Apply that changed
// nothing (weight already in effect) produces no event to wake it.
func (r *Reconciler) requeue(want time.Duration, actions []rollout.Action) time.Duration {
	if want <= 0 || want == rollout.PollInterval {
		want = r.opts.WaitPoll
	}
	for _, a := range actions {
		switch a.(type) {
		case rollout.SetWeight, rollout.ScaleCanary, rollout.Promote, rollout.Rollback, rollout.ScaleDown:
			return min(want, reshapedPoll)
		}
	}
	return want
}

// reshapedPoll is how soon a turn that changed the runtime looks again.
const reshapedPoll = 500 * time.Millisecond

// firstSight reports whether this is the first turn of uid's rollout in
// this process.
func (r *Reconciler) firstSight(uid types.UID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[uid] {
		return false
	}
	r.seen[uid] = true
	return true
}

// command hands a new pinwheel.dev/command to the engine (once per id).
func (r *Reconciler) command(rel *v1alpha1.Release, p *plan, obs *rollout.Observations) {
	v := rel.Annotations[v1alpha1.AnnotationCommand]
	if v == "" {
		return
	}
	cmd, err := v1alpha1.ParseCommand(v)
	if err != nil {
		if p.LastCommand != v {
			r.rec.Eventf(rel, "Warning", "BadCommand", "ignored: %v", err)
			p.LastCommand = v
		}
		return
	}
	if cmd.ID == p.LastCommand {
		return
	}
	p.LastCommand = cmd.ID
	obs.Commands = append(obs.Commands, cmd.Command)
	msg := fmt.Sprintf("%s asked by %s", cmd.Kind, cmp.Or(cmd.By, "someone"))
	if cmd.Reason != "" {
		msg += ": " + cmd.Reason
	}
	r.rec.Eventf(rel, "Normal", "Command", "%s", msg)
}

// target is the runtime Target for rel: its namespace, Deployment and
// traffic mode, owning what it creates and recording Events on rel.
func (r *Reconciler) target(rel *v1alpha1.Release) *kube.Target {
	opts := []kube.Option{
		kube.WithOwner(metav1.OwnerReference{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Release",
			Name: rel.Name, UID: rel.UID, Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}),
		kube.WithRecorder(r.rec), kube.WithLogger(r.log),
		kube.WithDeployment(rel.Spec.Service, deploymentOf(rel)),
		kube.WithTraffic(rel.Spec.Service, kube.Traffic{Mode: string(rel.Spec.Traffic.Mode), Service: rel.Spec.Traffic.Service,
			HTTPRoute: rel.Spec.Traffic.HTTPRoute, CanaryService: rel.Spec.Traffic.CanaryService}),
		kube.WithPollInterval(r.opts.SmokePoll)}
	if r.opts.PodURL != nil {
		opts = append(opts, kube.WithPodURL(r.opts.PodURL))
	}
	if r.ownerIndex {
		opts = append(opts, kube.WithOwnerIndex())
	}
	return kube.New(r.client, r.cs, rel.Namespace, opts...)
}

// blockedBy names the oldest unfinished Release of rel's Deployment when
// it is older than rel (releases of one Deployment take turns).
func (r *Reconciler) blockedBy(ctx context.Context, rel *v1alpha1.Release) (string, error) {
	var list v1alpha1.ReleaseList
	if err := r.client.List(ctx, &list, client.InNamespace(rel.Namespace), client.MatchingFields{indexDeployment: deploymentOf(rel)}); err != nil {
		return "", err
	}
	var first *v1alpha1.Release
	for i := range list.Items {
		o := &list.Items[i]
		if o.UID == rel.UID || rollout.Phase(o.Status.Phase).IsTerminal() || !o.DeletionTimestamp.IsZero() {
			continue
		}
		if !older(o, rel) {
			continue
		}
		if first == nil || older(o, first) {
			first = o
		}
	}
	if first == nil {
		return "", nil
	}
	return first.Name, nil
}

func older(a, b *v1alpha1.Release) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Name < b.Name
}

// waitFor shows a queued Release as Pending behind blocker.
func (r *Reconciler) waitFor(ctx context.Context, rel *v1alpha1.Release, blocker string) (ctrl.Result, error) {
	msg := fmt.Sprintf("waiting for release %s: releases of deployment %s take turns", blocker, deploymentOf(rel))
	if rel.Status.Phase != string(rollout.Pending) || rel.Status.Message != msg {
		rel.Status.Phase, rel.Status.Message, rel.Status.ObservedGeneration = string(rollout.Pending), msg, rel.Generation
		if err := r.client.Status().Update(ctx, rel); err != nil {
			return requeueOnConflict(err)
		}
		r.rec.Eventf(rel, "Normal", "Queued", "%s", msg)
	}
	return ctrl.Result{RequeueAfter: 2 * time.Second}, nil
}

// events records one Event per decision.
func (r *Reconciler) events(rel *v1alpha1.Release, decisions []rollout.Decision) {
	for _, d := range decisions {
		typ := "Normal"
		switch d.Phase {
		case rollout.RollingBack, rollout.RolledBack, rollout.Failed:
			typ = "Warning"
		}
		r.rec.Eventf(rel, typ, eventReason(d.Action), "step %d, %s: %s", d.Step, d.Phase, d.Reason)
	}
}

// eventReason turns an engine action ("set-weight") into an Event reason
// ("SetWeight").
func eventReason(action string) string {
	out := make([]byte, 0, len(action))
	up := true
	for i := 0; i < len(action); i++ {
		c := action[i]
		if c == '-' || c == '_' || c == ' ' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		out = append(out, c)
	}
	if len(out) == 0 {
		return "Decision"
	}
	return string(out)
}

func requeueOnConflict(err error) (ctrl.Result, error) {
	if apierrors.IsConflict(err) {
		return ctrl.Result{Requeue: true}, nil
	}
	return ctrl.Result{}, err
}
