// Package kube is the Kubernetes runtime.Target: it runs a service's
// releases as Deployments on a real API server and splits traffic between
// them.
//
// Replica-ratio traffic (the default mode): the service's own Deployment is
// the stable release; a canary Deployment named "<deployment>-canary" with
// the stable selector plus the label pinwheel.dev/revision runs the canary
// behind the SAME Service, so the canary's share of requests follows its
// share of ready pods. Apply sizes the canary from Desired.CanaryReplicas,
// promotes by rewriting the stable Deployment's pod template to the
// canary's image and environment (a rolling update with maxUnavailable 0),
// and rolls back by scaling the canary to zero at once. Pods carry the
// release's BuildInfo as annotations; objects the Target creates carry an
// owner reference (the Release, or the stable Deployment); every transition
// is an Event on the owner.
//
// Smoke runs the smoke command as a Job in the canary's image (same digest)
// and its HTTP probes against a ready canary pod. Logs reads pod logs.
//
// The package does not decide anything (internal/rollout does), does not
// own the Release type (api/v1alpha1) and does not run a reconcile loop.
//
// Gateway API traffic (WithTraffic, mode gatewayAPI): the stable Service's
// selector is narrowed to the stable release's revision label, a canary
// Service selects the canary's pods, and the weights of an HTTPRoute's
// backendRefs split requests between the two exactly.
package kube

// RBAC the Target needs; controller-gen turns these into deploy/rbac.
//
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=apps,resources=replicasets,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=pods/log,verbs=get
// +kubebuilder:rbac:groups="",resources=services,verbs=get;list;watch;create;update
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=httproutes,verbs=get;list;watch;update
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;delete
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=pinwheel.dev,resources=releases,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=pinwheel.dev,resources=releases/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=pinwheel.dev,resources=releases/finalizers,verbs=update
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch,namespace=pinwheel-system
