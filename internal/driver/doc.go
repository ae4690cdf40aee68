// Package driver carries out rollouts: it loads a service's rollout from the
// ledger, observes a runtime.Target, measures SLI checks through a
// metrics.Provider, asks rollout.Next what to do, persists the new status
// (optimistic revisions, so two drivers never both act), then carries out
// the actions on the target, notifies, and on an automatic rollback files
// the remediation report. The same loop drives the local runtime and the
// Kubernetes target. It makes no decisions of its own.
package driver
