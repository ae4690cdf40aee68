// Package kubecli is the command line's side of the Kubernetes target:
// resolving kubectl-style connection flags, building a v1alpha1.Release from
// a project and an image pinned by digest, creating it and following its
// status (with a controller run in-process when no in-cluster controller
// holds the lease), writing the command annotation for promote, abort and
// rollback, and rendering Releases for status and history. It is reached
// through internal/target's kube implementation; internal/cli only parses
// flags (the controller command aside, which resolves its kubeconfig here).
package kubecli
