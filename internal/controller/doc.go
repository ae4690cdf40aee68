// Package controller is the Kubernetes controller: a controller-runtime
// reconciler of api/v1alpha1 Releases that drives each one through the
// rollout engine (internal/rollout.Next) on the kube runtime.Target
// (internal/runtime/kube).
//
// One reconcile is one turn of the rollout loop (internal/loop), the same
// loop the local driver runs: observe the cluster, decide with the pure
// engine, persist the decision in
// the Release's status (status.engine and status.plan, written with the
// object's resourceVersion so a stale controller cannot overwrite a newer
// decision), then act — apply the desired Deployments and traffic, start
// smoke tests and measurement rounds, notify. Persisting comes before
// acting: a controller killed in between finds the new status after its
// restart and re-issues the same idempotent actions; a smoke test or
// measurement lost with it is asked for again by the engine.
//
// Smoke tests and measurements run in goroutines and wake the Release up
// when their result is in, so a slow smoke Job holds no worker. Releases of
// the same Deployment take turns: the oldest unfinished one runs, the others
// wait in phase Pending. People's commands (promote, abort, rollback,
// resume) arrive as the pinwheel.dev/command annotation and are handed to
// the engine once per id.
//
// Run hosts the reconciler in a controller-runtime manager with leader
// election on a coordination.k8s.io Lease; `pinwheel controller` runs it
// in-cluster and `pinwheel deploy --target kube` in-process.
package controller

// RBAC the controller needs beyond the runtime Target's (controller-gen
// reads these into deploy/rbac).
//
// +kubebuilder:rbac:groups=pinwheel.dev,resources=releases,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=pinwheel.dev,resources=releases/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=pinwheel.dev,resources=releases/finalizers,verbs=update
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch,namespace=pinwheel-system
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
