// Package drift compares what runs with what pinwheel recorded and reports
// the differences as findings: on Kubernetes, a Deployment whose pod
// template or replica count changed since pinwheel last wrote it (kubectl
// edit, kubectl scale), and an image no Release produced running in a
// pinwheel-managed Deployment or its pods; on the local runtime, releases
// running that the ledger does not place there, or a stable release other
// than the ledger's current one; for both, a base image whose digest moved
// since the release was built.
//
// It reads (a Kubernetes client, an observation of the local runtime,
// plain values from the ledger, a base resolver) and changes nothing; the CLI prints the
// findings and the controller may notify them.
package drift
