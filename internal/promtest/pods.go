package promtest

import (
	"fmt"
	"regexp"
	"strings"
)

// PodScrapeConfig is a scrape config (for StartBinary, with a prometheus
// built with Kubernetes service discovery: Debian's is not) that discovers
// pods through the API server of kubeconfig (kubernetes_sd_configs, role
// pod) in namespaces, as a Prometheus in the cluster would, and scrapes
// the container port named port of every Running pod pinwheel deployed —
// the ones with the pinwheel.dev/revision label. Its relabelling gives the
// series the labels pinwheel's built-in queries select on:
//
//	service    the pod's dev.pinwheel.service annotation (the build's metadata)
//	revision   the pod's pinwheel.dev/revision label
//	namespace  the pod's namespace
//	pod        the pod's name
func PodScrapeConfig(kubeconfig, port string, namespaces ...string) string {
	quoted := make([]string, len(namespaces))
	for i, n := range namespaces {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return fmt.Sprintf(`  - job_name: pods
    kubernetes_sd_configs:
      - role: pod
        kubeconfig_file: %q
        namespaces:
          names: [%s]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_pinwheel_dev_revision]
        regex: .+
        action: keep
      - source_labels: [__meta_kubernetes_pod_container_port_name]
        regex: %q
        action: keep
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Running
        action: keep
      - source_labels: [__meta_kubernetes_pod_annotation_dev_pinwheel_service]
        target_label: service
      - source_labels: [__meta_kubernetes_pod_label_pinwheel_dev_revision]
        target_label: revision
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
`, kubeconfig, strings.Join(quoted, ", "), regexp.QuoteMeta(port))
}
