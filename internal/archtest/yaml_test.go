package archtest

import (
	"path/filepath"
	"strings"
	"testing"
)

// pinwheel.yaml is decoded in one place, internal/config, into typed
// sections with positions; everything else takes those values. No other
// package imports a YAML library, except the ones listed here with why.
func TestOnlyConfigDecodesYAML(t *testing.T) {
	root := repoRoot(t)
	yamlLibs := []string{"gopkg.in/yaml.v3", "gopkg.in/yaml.v2", "go.yaml.in/yaml/v3", "sigs.k8s.io/yaml"}
	exceptions := map[string]string{
		"internal/config": "the one decoder of pinwheel.yaml (and the controller's file, a subset of it)",
		"internal/check/k8syaml": "reads users' Kubernetes manifests as yaml.v3 nodes to keep every field's line " +
			"(pinwheel check -f); not pinwheel.yaml. internal/check takes k8syaml.Node values and imports no YAML library",
		"internal/kubetest": "the test rig applies the repository's CRD manifests (deploy/crd/*.yaml) to its control plane; " +
			"imported only by tests",
		"internal/vuln": "OSV advisory records in YAML (PyPA's advisory-database) and the scan ignore file " +
			"(.pinwheel-ignore.yaml), neither of which is pinwheel.yaml",
	}
	for dir, files := range packages(t, root) {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		rel = filepath.ToSlash(rel)
		if _, ok := exceptions[rel]; ok {
			continue
		}
		for _, f := range files {
			for _, p := range imports(t, f) {
				for _, lib := range yamlLibs {
					if p == lib || strings.HasPrefix(p, lib+"/") {
						t.Errorf("%s imports %s: pinwheel.yaml is decoded by internal/config; take its typed sections (config.Rollout, config.Runtime, config.Notify)", f, p)
					}
				}
			}
		}
	}
}
