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

// The Release of docs/controller.md's real session decodes strictly, its
// strategy validates, and its image is the digest its build-info records.
func TestSamplePausedRelease(t *testing.T) {
	b, err := os.ReadFile("../../deploy/samples/release-paused.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var r Release
	if err := yaml.UnmarshalStrict(b, &r); err != nil {
		t.Fatalf("deploy/samples/release-paused.yaml: %v", err)
	}
	spec, err := r.Spec.RolloutSpec()
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Defaults().Validate(); err != nil {
		t.Fatalf("sample strategy does not validate: %v", err)
	}
	last := spec.Steps[len(spec.Steps)-1]
	if last.Pause == nil || last.Pause.Duration != 0 || r.Namespace != "shop" {
		t.Fatalf("the sample must end in an untimed pause in namespace shop: %+v", r)
	}
	if bi := r.Spec.BuildInfo.Attest(); "registry.example.com/shop@"+bi.ImageDigest != r.Spec.Image {
		t.Fatalf("image %s, build-info digest %s", r.Spec.Image, bi.ImageDigest)
	}
}
