// Package v1alpha1 owns pinwheel's Kubernetes API: the Release custom
// resource (group pinwheel.dev, version v1alpha1) that asks a controller to
// roll one image digest of a service out in guarded steps, and the status the
// controller reports back — phase, step, weights, conditions, a bounded
// decision log and the rollout engine's own status so a restarted controller
// resumes where it was.
//
// The package holds types, conversions to and from the engine's own types
// (internal/rollout, internal/attest) and generated deep-copy code only. It
// does not talk to an API server: internal/runtime/kube drives Deployments and
// Services, and the reconciler (internal/controller) ties the two together.
//
// Regenerate the deep-copy code and deploy/crd after changing a type:
//
//	make generate
//
// +kubebuilder:object:generate=true
// +groupName=pinwheel.dev
package v1alpha1
