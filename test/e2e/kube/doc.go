// Package kubee2e is the end-to-end suite of the Kubernetes controller
// (issue 6). Its tests run the controller — in-process through
// controller.Run, or as the `pinwheel controller` binary — against a real
// control plane (internal/kubetest: kube-apiserver, etcd and KWOK's
// simulated nodes), judge canaries with a real Prometheus scraping a test
// exporter (internal/promtest), and send notifications and remediation
// reports to local HTTP servers that check every request.
//
// They assert through the API (Release status, Events, Deployments, the
// coordination Lease, HTTPRoute weights) and through what reached
// Prometheus' clients and the receivers, never through logs. Faults are
// real: the controller process is SIGKILLed, kube-apiserver is killed and
// restarted, Prometheus is stopped.
//
// Run it with `go test -count=1 -timeout 30m ./test/e2e/kube/`
// (docs/kube-e2e.md). Without the control-plane binaries it skips, unless
// PINWHEEL_REQUIRE_KUBE=1.
package kubee2e
