package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/signing"
	"pinwheel.dev/pinwheel/internal/verify"
)

type controllerFlags struct {
	conn                   kubecli.Conn
	allNamespaces          bool
	leaderElect            bool
	leaseNamespace, lease  string
	leaseDuration          time.Duration
	metricsAddr, probeAddr string
	prometheusURL, config  string
	workers                int
	qps                    float32
	burst                  int
	identity               string
	vuln                   vulnScanFlags
	verifyKey              string
	driftInterval          time.Duration
}

func newControllerCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var f controllerFlags
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run the Kubernetes controller that drives Releases (in-cluster, or against a kubeconfig)",
		Long: `controller runs the reconciler of pinwheel.dev/v1alpha1 Releases: each Release
is rolled out beside its service's stable Deployment through its strategy's
steps — canary weights, pauses, smoke Jobs in the same image, analysis against
Prometheus — and promoted or rolled back. The Release's status is the record:
a restarted controller resumes where it stood.

Only the holder of the Lease (--lease-namespace/--lease-name) reconciles, so
replicas of the controller can run side by side; pinwheel deploy --target kube
runs the same reconciler in-process when no controller holds the lease.

In a pod it uses the pod's service account; elsewhere --kubeconfig/--context
as kubectl does. It watches every namespace unless -n is given.

--config FILE reads the runtime.metrics and notify sections of a pinwheel.yaml-
shaped file (Prometheus, webhooks, the GitHub remediation tracker);
--prometheus-url is the short form for metrics alone.

--verify-key FILE fails every Release whose image's signed provenance does
not verify with that PEM public key (signature, subject digest, builder),
before it starts: the in-cluster side of pinwheel.yaml's
signing.requireSignedProvenance (docs/provenance.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runController(cmd.Context(), streams, logger, cmd.Flags().Changed("namespace"), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.conn.Kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, else ~/.kube/config; in a pod: its service account)")
	fl.StringVar(&f.conn.Context, "context", "", "kubeconfig context (default: the current context)")
	fl.StringVarP(&f.conn.Namespace, "namespace", "n", "", "watch only this namespace, or several comma-separated: a,b (default: all namespaces)")
	fl.BoolVar(&f.leaderElect, "leader-elect", true, "reconcile only while holding the Lease")
	fl.StringVar(&f.leaseNamespace, "lease-namespace", "pinwheel-system", "namespace of the leader-election Lease")
	fl.StringVar(&f.lease, "lease-name", "pinwheel-controller", "name of the leader-election Lease")
	fl.DurationVar(&f.leaseDuration, "lease-duration", 15*time.Second, "how long a lease outlives its holder's last renewal")
	fl.StringVar(&f.identity, "identity", "", "lease holder identity (default hostname_pid)")
	fl.StringVar(&f.metricsAddr, "metrics-addr", ":8080", "serve the controller's Prometheus metrics here (0: off)")
	fl.StringVar(&f.probeAddr, "probe-addr", ":8081", "serve /healthz and /readyz here (empty: off)")
	fl.StringVar(&f.prometheusURL, "prometheus-url", "", "Prometheus that answers analysis queries (e.g. http://prometheus.monitoring:9090)")
	fl.StringVar(&f.config, "config", "", "file with runtime.metrics and notify sections (pinwheel.yaml syntax)")
	fl.IntVar(&f.workers, "workers", 8, "Releases reconciled at once")
	fl.DurationVar(&f.driftInterval, "drift-interval", 0, "check the watched namespaces for drift this often and notify each new finding once (needs --config with notify webhooks; 0: off)")
	fl.Float32Var(&f.qps, "kube-api-qps", 200, "API requests per second the controller may make")
	fl.IntVar(&f.burst, "kube-api-burst", 400, "API request burst")
	addVulnScanFlags(fl, &f.vuln)
	fl.StringVar(&f.verifyKey, "verify-key", "", "fail each Release whose image's signed provenance does not verify with this PEM public key")
	return cmd
}

func runController(ctx context.Context, streams Streams, logger *slog.Logger, namespaced bool, f controllerFlags) error {
	if f.workers < 1 || f.qps <= 0 || f.burst < 1 || f.leaseDuration < time.Second {
		return usageError("--workers, --kube-api-qps and --kube-api-burst must be positive and --lease-duration at least 1s")
	}
	if f.driftInterval < 0 || f.driftInterval > 0 && f.config == "" {
		return usageError("--drift-interval needs --config with a notify: section to send findings to")
	}
	if f.config != "" && f.prometheusURL != "" {
		return usageError("give --prometheus-url or --config (its runtime.metrics), not both")
	}
	vulnScan, err := f.vuln.options()
	if err != nil {
		return err
	}
	var admit func(context.Context, string) error
	if f.verifyKey != "" {
		key, err := signing.LoadPublicKeyFile(f.verifyKey)
		if err != nil {
			return usageError("--verify-key: %v", err)
		}
		admit = verify.Admission(verify.Policy{Key: key})
	}
	cfg, _, err := f.conn.Resolve()
	if err != nil {
		return err
	}
	if f.leaderElect {
		if err := controller.CheckLeaseNamespace(ctx, cfg, f.leaseNamespace, f.lease); err != nil {
			return err
		}
	}
	o := controller.Options{
		LeaderElection: f.leaderElect, LeaseNamespace: f.leaseNamespace, LeaseName: f.lease,
		LeaseDuration: f.leaseDuration, Identity: f.identity,
		MetricsAddr: f.metricsAddr, ProbeAddr: f.probeAddr, Log: logger,
		MaxConcurrentReconciles: f.workers, QPS: f.qps, Burst: f.burst, Admit: admit, DriftInterval: f.driftInterval,
	}
	if namespaced {
		o.Namespace = f.conn.Namespace
	}
	o.VulnScan = vulnScan
	metricsCfg := config.Metrics{}
	if f.prometheusURL != "" {
		metricsCfg = config.Metrics{Provider: config.MetricsPrometheus, URL: f.prometheusURL}
	}
	if f.config != "" {
		cc, err := deploy.LoadControllerConfig(f.config)
		if err != nil {
			return err
		}
		metricsCfg = cc.Runtime.Metrics
		n, tracker, err := notify.FromConfig(cc.Notify, notify.Deps{Path: f.config, Logger: logger})
		if err != nil {
			return err
		}
		defer notify.Close(context.Background(), n)
		o.Notifier, o.Tracker = n, tracker
	}
	if metricsCfg.Provider != "" {
		if _, err := deploy.NewMetricsProvider(metricsCfg); err != nil {
			return usageError("metrics: %v", err)
		}
		var mu sync.Mutex
		providers := map[string]metrics.Provider{}
		o.MetricsFor = func(namespace string) metrics.Provider {
			mu.Lock()
			defer mu.Unlock()
			if p, ok := providers[namespace]; ok {
				return p
			}
			c := metricsCfg
			if c.Namespace == "" {
				c.Namespace = namespace // each Release's queries select its namespace
			}
			p, err := deploy.NewMetricsProvider(c)
			if err != nil {
				logger.Error("metrics provider", "namespace", namespace, "err", err)
				return nil
			}
			providers[namespace] = p
			return p
		}
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	scope := "all namespaces"
	if o.Namespace != "" {
		scope = "namespace " + o.Namespace
	}
	fmt.Fprintf(streams.Err, "pinwheel controller: watching Releases in %s (lease %s/%s: %v, host %s)\n",
		scope, f.leaseNamespace, f.lease, f.leaderElect, cfg.Host)
	if err := controller.Run(ctx, cfg, o); err != nil && ctx.Err() == nil {
		return fmt.Errorf("controller: %w", err)
	}
	return nil
}
