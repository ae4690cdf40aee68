// Package notify is how pinwheel speaks when it acts: rollout events go out as
// HMAC-signed JSON webhooks or Slack messages, and an automatic rollback files
// a remediation report with the evidence — as a GitHub issue, or as a markdown
// file when no tracker is configured.
//
// It owns the Notifier and IssueTracker interfaces, the event payload schema,
// the signing scheme, the remediation report, the `notify:` section of
// pinwheel.yaml, and the wrappers that add behaviour around any notifier:
// Retrying (backoff with jitter, Retry-After), Async (a bounded queue so a
// rollout never waits on a slow receiver), Multi (fan-out), Only (event
// filter) and Recording (every attempt written to the ledger).
//
// It makes no rollout decisions, reads no metrics and computes no "what
// changed" diff (package release does); callers hand it finished events and
// reports.
package notify
