package controller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
)

// Options configure the controller.
type Options struct {
	// Namespace restricts the controller to one namespace, or to several
	// separated by commas ("apps,payments"); "" watches all namespaces.
	// A namespaced install grants a Role in each (deploy/).
	Namespace string
	// LeaderElection makes Run take the Lease before reconciling.
	LeaderElection bool
	// LeaseNamespace and LeaseName name the Lease (defaults
	// "pinwheel-system" and "pinwheel-controller").
	LeaseNamespace, LeaseName string
	// LeaseDuration is how long a lease outlives its holder's last renewal
	// (default 15s); a successor waits at most this long.
	LeaseDuration time.Duration
	// Identity is the lease holder's name (default hostname_pid).
	Identity string
	// MetricsAddr serves the controller's Prometheus metrics ("" or "0":
	// off). ProbeAddr serves /healthz and /readyz ("": off).
	MetricsAddr, ProbeAddr string
	// Metrics measures SLIs for every namespace; MetricsFor, when set,
	// gives the provider for one namespace instead.
	Metrics    metrics.Provider
	MetricsFor func(namespace string) metrics.Provider
	// SampleStep is the metrics resolution of analysis queries (default:
	// a fifth of each Release's analysis interval, rollout.Spec.SampleStep).
	SampleStep time.Duration
	// Notifier gets rollout events (wrap it in notify.Async); Tracker files
	// remediation reports on automatic rollback. Both optional.
	Notifier notify.Notifier
	Tracker  notify.IssueTracker
	// VulnScan, when set, re-matches the running releases against
	// advisories on an interval (vulnscan.go).
	VulnScan *VulnScan
	// DriftInterval, when set with a Notifier, checks the watched
	// namespaces for drift (package drift) that often and notifies each
	// new finding once (drift.detected).
	DriftInterval time.Duration
	// PodURL says how smoke probes reach a pod (default its pod IP).
	PodURL func(pod *corev1.Pod, port int32) string
	// WaitPoll is how often a Release that waits on the cluster, a metrics
	// provider or a person is looked at when no watch event arrives
	// (default 15s; it bounds how late a progress deadline is noticed).
	WaitPoll time.Duration
	// SmokePoll is how often a smoke Job is checked (default 1s).
	SmokePoll time.Duration
	// Log is the structured logger (default: discard).
	Log *slog.Logger
	// Clock is the engine's clock (default time.Now).
	Clock func() time.Time
	// MaxConcurrentReconciles is how many Releases reconcile at once
	// (default 8).
	MaxConcurrentReconciles int
	// QPS and Burst bound the API client (defaults 200 and 400).
	QPS   float32
	Burst int
	// Admit, when set, is asked about each Release's image before it
	// starts; an error fails the Release (terminal Failed, the error its
	// message). pinwheel controller --verify-key sets it to the signed
	// provenance check (internal/verify).
	Admit func(ctx context.Context, image string) error
}

func (o Options) withDefaults() Options {
	if o.LeaseNamespace == "" {
		o.LeaseNamespace = "pinwheel-system"
	}
	if o.LeaseName == "" {
		o.LeaseName = "pinwheel-controller"
	}
	if o.LeaseDuration <= 0 {
		o.LeaseDuration = 15 * time.Second
	}
	if o.Identity == "" {
		host, _ := os.Hostname()
		o.Identity = fmt.Sprintf("%s_%d", host, os.Getpid())
	}
	if o.MetricsFor == nil {
		p := o.Metrics
		if p == nil {
			p = noProvider{}
		}
		o.MetricsFor = func(string) metrics.Provider { return p }
	}
	if o.WaitPoll <= 0 {
		o.WaitPoll = 15 * time.Second
	}
	if o.SmokePoll <= 0 {
		o.SmokePoll = time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.MaxConcurrentReconciles <= 0 {
		o.MaxConcurrentReconciles = 8
	}
	if o.QPS <= 0 {
		o.QPS = 200
	}
	if o.Burst <= 0 {
		o.Burst = 400
	}
	return o
}

// noProvider answers every query with an error: without a metrics provider
// analysis is inconclusive and its deadline rolls back, never promotes.
type noProvider struct{}

var errNoProvider = errors.New("no metrics provider configured for the controller (--prometheus-url)")

func (noProvider) Query(context.Context, metrics.Query) ([]analysis.Sample, error) {
	return nil, errNoProvider
}

func (noProvider) Resolve(q metrics.Query) (string, error) { return q.Expr, nil }
