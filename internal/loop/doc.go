// Package loop is pinwheel's one rollout loop. A turn observes the runtime
// target, asks the pure engine (rollout.Next) what to do, persists the new
// State through a Store, then acts: it applies the desired runtime state and
// hands the other actions (smoke tests, measurements, notifications) to an
// Executor. Persisting comes before acting: a process killed in between
// finds the new State and re-issues the same idempotent actions.
//
// The two drivers of rollouts are adapters of this loop: the local driver
// (internal/driver) keeps State in the ledger and carries out actions
// synchronously; the Kubernetes controller (internal/controller) keeps it
// in the Release's status and carries them out in the background. Neither
// decides anything: the engine decides, the loop sequences.
//
// The package holds the State a rollout persists, the runtime state it
// desires, how observations are read against it, and the plain values both
// adapters report from (decisions, outcomes, notification events). It
// imports no storage and no Kubernetes client.
package loop
