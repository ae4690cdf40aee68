// Package rollout is pinwheel's release state machine: the decision core that
// moves a canary through weighted steps, pauses, smoke tests and SLI analysis
// to promotion or rollback.
//
// Everything is one pure function:
//
//	Next(spec, status, observations, now) → (status, []Action)
//
// A driver (the local runtime, the Kubernetes controller, the CLI) loads the
// last persisted Status, gathers Observations from the world, calls Next,
// carries out the returned Actions idempotently and persists the new Status.
// Next does no I/O, reads no clock (now is passed in), starts no goroutines and
// is deterministic, so a killed driver resumes exactly where it stopped and a
// recorded rollout replays decision for decision.
//
// The package owns the `rollout:` section of pinwheel.yaml (Spec), the
// persisted Status with its bounded decision log, and the vocabulary of
// Observations and Actions. It does not talk to runtimes, metrics providers,
// notifiers or the ledger; SLI verdicts come from package analysis.
package rollout
