// Package vulnwatch is pinwheel's scheduled vulnerability scan: it
// re-matches every running release (its image digest and packages) against
// a refreshed advisory source, keeps which advisories it has already
// reported per digest (a state file, written atomically), and for each
// advisory that newly hits a running release notifies with the release's
// build metadata and files one remediation issue per release (the tracker
// comments on the open issue with the same title instead of opening
// another).
//
// The releases come from the caller: the ledger (vulnwatch/fromledger, for
// `pinwheel scan --releases`) or the cluster (the controller's own lister).
package vulnwatch
