// Package driver runs rollouts kept in the ledger: the ledger-backed
// adapter of the one rollout loop (internal/loop). It starts a rollout,
// loads it from the ledger at every turn, hands the loop people's queued
// commands and the results of the last actions, saves each decision with
// its inputs at the rollout's revision (two drivers never both act), runs
// smoke tests and measurements synchronously, marks releases in the ledger
// and, on an automatic rollback, files the remediation report. It drives
// the local runtime and, for `deploy --source`, any runtime.Target; it
// makes no decisions of its own.
package driver
