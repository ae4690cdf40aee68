// Package analysis turns SLI measurements into verdicts with reasons.
//
// It owns the check kinds a rollout can gate on — threshold (min/max on a
// query's value), burnRate (multi-window, multi-burn-rate error-budget
// alerting as in the Google SRE workbook) and compare (canary against stable
// with a one-sided Mann-Whitney U test) — and the evidence each verdict
// carries: the resolved query, the values, the threshold, the sample counts and,
// for compare, the p-value and effect size.
//
// It does not fetch anything: a metrics provider (internal/metrics) resolves a
// check's query and hands the samples in as a Measurement. The package is pure
// (no I/O, no clock, no goroutines) so the rollout engine that calls it stays
// replayable. Too little data is Inconclusive, never Pass; NaN and ±Inf samples
// are not data.
package analysis
