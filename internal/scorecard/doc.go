// Package scorecard computes pinwheel's operational scorecard from ledger
// values: for a period and the period of the same length before it, per
// service and overall, DORA's delivery metrics (deployment frequency,
// change lead time, change fail rate, failed deployment recovery time),
// rollbacks, failed deployments per month, pipeline times (build, rollout
// and both, median and p90) and cache hit rates — and checks the numbers
// against alert thresholds.
//
// It is pure: it reads no ledger, sends no notification and prints
// nothing but what it is asked to write. The CLI loads the ledger values
// (Load) and hands breaches to the notifiers.
package scorecard
