package v1alpha1

import (
	"os"
	"testing"

	"sigs.k8s.io/yaml"
)

// The sample in deploy/samples (quoted in docs/kube.md) decodes strictly
// and converts to a rollout spec the engine accepts.
func TestSampleRelease(t *testing.T) {
	b, err := os.ReadFile("../../deploy/samples/release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var r Release
	if err := yaml.UnmarshalStrict(b, &r); err != nil {
		t.Fatalf("deploy/samples/release.yaml: %v", err)
	}
	spec, err := r.Spec.RolloutSpec()
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Defaults().Validate(); err != nil {
		t.Fatalf("sample strategy does not validate: %v", err)
	}
	if len(spec.Steps) != 6 || spec.Steps[0].Smoke == nil || r.Spec.BuildInfo.Attest().LockHash == "" {
		t.Fatalf("sample = %+v", spec)
	}
}
