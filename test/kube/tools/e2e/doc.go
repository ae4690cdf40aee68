// Package e2e proves the test control plane works: it starts a cluster with
// scripts/kube-up.sh, rolls a Deployment out on KWOK's fake nodes through
// the real kube-apiserver, controller-manager and scheduler, and tears the
// cluster down with scripts/kube-down.sh. It owns no product code.
//
// Run it from test/kube/tools: go test -count=1 -timeout 40m ./e2e
// (see docs/kube-testing.md).
package e2e
