package kubecli

import (
	"context"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"pinwheel.dev/pinwheel/api/v1alpha1"

	"pinwheel.dev/pinwheel/internal/controller"
)

// DefaultController runs internal/controller: its LeaseHolder, and Run with
// leader election on the given lease, watching one namespace.
func DefaultController() ControllerFuncs {
	return ControllerFuncs{
		LeaseHolder: controller.LeaseHolder,
		// Done once the controller removed its finalizer: after the
		// terminal bookkeeping (remediation report) it does last.
		Done: func(rel *v1alpha1.Release) bool {
			return Terminal(rel) && !controllerutil.ContainsFinalizer(rel, controller.Finalizer)
		},
		Run: func(ctx context.Context, cfg *rest.Config, o InProcess) error {
			return controller.Run(ctx, cfg, controller.Options{
				Namespace: o.Namespace, LeaderElection: true,
				LeaseNamespace: o.LeaseNamespace, LeaseName: o.LeaseName, Identity: o.Identity,
				Metrics: o.Metrics, SampleStep: o.SampleStep, Notifier: o.Notifier, Tracker: o.Tracker, Log: o.Log,
			})
		},
	}
}
