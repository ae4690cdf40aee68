// Package deploy is what the deploy-side commands (deploy, status, history,
// promote, abort, rollback, recreate, diff of releases, demo) share: it loads
// a project's rollout and notify settings, records releases in the ledger
// from a pinwheel build (OCI layout) or a source tree, opens the runtime
// target, runs the driver, and turns ledger records into the views people
// read.
//
// It decides nothing about a rollout (internal/rollout does), runs no
// replicas (internal/runtime does) and does not own the loop that drives
// them (internal/driver does).
package deploy
