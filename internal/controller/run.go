package controller

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// indexDeployment indexes Releases by the stable Deployment they target.
const indexDeployment = "pinwheel.dev/deployment"

var reconcileSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
	Name:    "pinwheel_controller_reconcile_seconds",
	Help:    "Time one Release reconcile took (observe, decide, persist, act).",
	Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
})

func init() { ctrlmetrics.Registry.MustRegister(reconcileSeconds) }

// setLogger gives controller-runtime's global logger the first manager's
// logger (it complains when none was set).
var setLogger sync.Once

// Scheme returns a scheme with client-go's types and the Release.
func Scheme() (*kruntime.Scheme, error) {
	s := kruntime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, err
	}
	return s, nil
}

// NewManager returns a manager hosting the Release reconciler (not yet
// started), with leader election, metrics and probes as o says.
func NewManager(cfg *rest.Config, o Options) (ctrl.Manager, *Reconciler, error) {
	o = o.withDefaults()
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 || cfg.QPS < o.QPS {
		cfg.QPS, cfg.Burst = o.QPS, o.Burst
	}
	scheme, err := Scheme()
	if err != nil {
		return nil, nil, err
	}
	setLogger.Do(func() { ctrllog.SetLogger(logr.FromSlogHandler(o.Log.Handler())) })
	mo := ctrl.Options{
		Scheme:                 scheme,
		Logger:                 logr.FromSlogHandler(o.Log.Handler()),
		Metrics:                metricsserver.Options{BindAddress: cmpAddr(o.MetricsAddr)},
		HealthProbeBindAddress: o.ProbeAddr,
		// Several controllers may live in one process (tests, a controller
		// restarted in-process); controller-runtime would refuse the second
		// "release" controller.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	}
	if o.Namespace != "" {
		mo.Cache = cache.Options{DefaultNamespaces: watchedNamespaces(o.Namespace)}
	}
	if o.LeaderElection {
		renew := o.LeaseDuration * 2 / 3
		lock, err := resourcelock.NewFromKubeconfig(resourcelock.LeasesResourceLock, o.LeaseNamespace, o.LeaseName,
			resourcelock.ResourceLockConfig{Identity: o.Identity}, cfg, renew)
		if err != nil {
			return nil, nil, fmt.Errorf("leader election lock: %w", err)
		}
		retry := max(o.LeaseDuration/8, 200*time.Millisecond)
		mo.LeaderElection, mo.LeaderElectionResourceLockInterface = true, lock
		mo.LeaderElectionID, mo.LeaderElectionNamespace = o.LeaseName, o.LeaseNamespace
		mo.LeaseDuration, mo.RenewDeadline, mo.RetryPeriod = &o.LeaseDuration, &renew, &retry
		mo.LeaderElectionReleaseOnCancel = true
	}
	mgr, err := ctrl.NewManager(cfg, mo)
	if err != nil {
		return nil, nil, fmt.Errorf("controller manager: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	r := NewReconciler(mgr.GetClient(), cs, mgr.GetEventRecorderFor("pinwheel"), o)
	r.reader = mgr.GetAPIReader()
	if err := r.SetupWithManager(mgr); err != nil {
		return nil, nil, err
	}
	if o.VulnScan != nil {
		if err := addVulnScan(mgr, mgr.GetAPIReader(), o); err != nil {
			return nil, nil, err
		}
	}
	if o.DriftInterval > 0 && o.Notifier != nil {
		if err := mgr.Add(newDriftCheck(mgr.GetAPIReader(), o)); err != nil {
			return nil, nil, err
		}
	}
	if o.ProbeAddr != "" {
		if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
			return nil, nil, err
		}
		if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
			return nil, nil, err
		}
	}
	return mgr, r, nil
}

func cmpAddr(a string) string {
	if a == "" {
		return "0"
	}
	return a
}

// Run hosts the reconciler until ctx is done (or leadership is lost).
func Run(ctx context.Context, cfg *rest.Config, o Options) error {
	mgr, r, err := NewManager(cfg, o)
	if err != nil {
		return err
	}
	r.base = ctx
	return mgr.Start(ctx)
}

// SetupWithManager registers the reconciler: it watches Releases (their
// spec and annotations, not their status, which it writes itself), the
// Deployments they roll out beside (stable and canary), and results of its
// own background work.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	err := mgr.GetFieldIndexer().IndexField(context.Background(), &v1alpha1.Release{}, indexDeployment, func(o client.Object) []string {
		return []string{deploymentOf(o.(*v1alpha1.Release))}
	})
	if err != nil {
		return fmt.Errorf("index releases: %w", err)
	}
	for _, o := range []client.Object{&appsv1.ReplicaSet{}, &corev1.Pod{}} {
		if err := mgr.GetFieldIndexer().IndexField(context.Background(), o, kube.IndexOwner, kube.OwnerUIDs); err != nil {
			return fmt.Errorf("index %T by owner: %w", o, err)
		}
	}
	r.ownerIndex = true
	releasesOf := handler.TypedEnqueueRequestsFromMapFunc(func(ctx context.Context, d *appsv1.Deployment) []reconcile.Request {
		name := strings.TrimSuffix(d.Name, kube.CanaryName(""))
		var list v1alpha1.ReleaseList
		if err := r.client.List(ctx, &list, client.InNamespace(d.Namespace), client.MatchingFields{indexDeployment: name}); err != nil {
			return nil
		}
		var out []reconcile.Request
		for _, rel := range list.Items {
			if !rolloutDone(&rel) {
				out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&rel)})
			}
		}
		return out
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("release").
		For(&v1alpha1.Release{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{},
			predicate.AnnotationChangedPredicate{}, predicate.LabelChangedPredicate{}, deletionPredicate()))).
		WatchesRawSource(source.Kind(mgr.GetCache(), &appsv1.Deployment{}, releasesOf)).
		WatchesRawSource(source.Channel(r.wake, &handler.TypedEnqueueRequestForObject[*v1alpha1.Release]{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.opts.MaxConcurrentReconciles}).
		Complete(r)
}

// rolloutDone reports whether rel needs nothing more from the controller.
func rolloutDone(rel *v1alpha1.Release) bool {
	return rollout.Phase(rel.Status.Phase).IsTerminal() && rel.DeletionTimestamp.IsZero() && len(rel.Finalizers) == 0
}

// deletionPredicate passes updates that mark a Release for deletion.
func deletionPredicate() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return !e.ObjectNew.GetDeletionTimestamp().IsZero()
	}}
}

// LeaseHolder says who holds the controller Lease namespace/name and
// whether the holder's lease is still valid.
func LeaseHolder(ctx context.Context, cfg *rest.Config, namespace, name string) (holder string, held bool, err error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", false, err
	}
	l, err := cs.CoordinationV1().Leases(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("lease %s/%s: %w", namespace, name, err)
	}
	if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity == "" {
		return "", false, nil
	}
	holder = *l.Spec.HolderIdentity
	if l.Spec.RenewTime == nil || l.Spec.LeaseDurationSeconds == nil {
		return holder, false, nil
	}
	expires := l.Spec.RenewTime.Add(time.Duration(*l.Spec.LeaseDurationSeconds) * time.Second)
	return holder, time.Now().Before(expires), nil
}

// watchedNamespaces turns Options.Namespace ("a" or "a,b") into the cache's
// namespace set.
func watchedNamespaces(list string) map[string]cache.Config {
	out := map[string]cache.Config{}
	for _, ns := range strings.Split(list, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			out[ns] = cache.Config{}
		}
	}
	return out
}
