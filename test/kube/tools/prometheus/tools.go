//go:build tools

// Package prometheus records the command this module builds so `go mod`
// keeps its dependencies: Prometheus with Kubernetes service discovery
// (Debian's package is built without it), which scrapes the real node's
// pods in the tests. scripts/kube-build.sh builds it with the tags
// remove_all_sd,enable_kubernetes_sd (no other service discovery).
package prometheus

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
)
