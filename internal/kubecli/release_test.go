package kubecli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// The Release carries the project's service, its rollout: section exactly
// (converting back gives the rollout.Spec the local target runs) and the
// build metadata completed with the image.
func TestBuildRelease(t *testing.T) {
	proj, err := deploy.LoadProject("../../examples/shop")
	if err != nil {
		t.Fatal(err)
	}
	img, _ := ParseImage("registry.example/shop@sha256:" + hex64)
	bi := attest.BuildInfo{Service: "shop", Version: "1.2.3", GitCommit: "9d4c0ffee", LockHash: "sha256:aa"}
	rel, err := BuildRelease(proj, ReleaseOptions{Image: img, Namespace: "prod", Deployment: "shop-web", BuildInfo: &bi})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Name != "shop-0123456789ab" || rel.Namespace != "prod" || rel.Labels[LabelService] != "shop" {
		t.Fatalf("metadata %+v", rel.ObjectMeta)
	}
	s := rel.Spec
	if s.Service != "shop" || s.Deployment != "shop-web" || s.Image != img.Ref {
		t.Fatalf("spec service %q deployment %q image %q", s.Service, s.Deployment, s.Image)
	}
	back, err := s.RolloutSpec()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(proj.Spec)
	got, _ := json.Marshal(back)
	if !reflect.DeepEqual(back, proj.Spec) {
		t.Fatalf("strategy converts back to\n%s\nwant pinwheel.yaml's\n%s", got, want)
	}
	if len(s.Strategy.Steps) != 5 || *s.Strategy.Steps[0].SetWeight != 20 || len(s.Strategy.Checks) != 3 {
		t.Fatalf("strategy %s", got)
	}
	if b := s.BuildInfo; b.Version != "1.2.3" || b.GitCommit != "9d4c0ffee" || b.ImageDigest != img.Digest || b.ImageRef != img.Ref {
		t.Fatalf("build info %+v", b)
	}

	// Without --build-info: pinwheel.yaml's service and version.
	rel, err = BuildRelease(proj, ReleaseOptions{Image: img})
	if err != nil {
		t.Fatal(err)
	}
	if b := rel.Spec.BuildInfo; b.Service != "shop" || b.Version != "1.0.0" || b.PythonVersion != "3.11" || b.ImageDigest != img.Digest || b.GitCommit != "" {
		t.Fatalf("build info without --build-info %+v", b)
	}
	if rel.Spec.Deployment != "" {
		t.Fatalf("deployment %q, want empty (the service's)", rel.Spec.Deployment)
	}

	other := attest.BuildInfo{Service: "cart"}
	_, err = BuildRelease(proj, ReleaseOptions{Image: img, BuildInfo: &other})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), `for service "cart"`) {
		t.Fatalf("build info of another service: %v", err)
	}
}

// secretEnv reaches the Release as Secret references only; an entry that
// names no Secret is an input error at its line in pinwheel.yaml.
func TestBuildReleaseSecretEnv(t *testing.T) {
	proj, err := deploy.LoadProject("../../examples/shop")
	if err != nil {
		t.Fatal(err)
	}
	img, _ := ParseImage("registry.example/shop@sha256:" + hex64)
	proj.Config.SecretEnv = map[string]config.SecretRef{
		"DB_PASSWORD": {FromEnv: "PG_PASS", SecretKeyRef: &config.SecretKeyRef{Name: "shop-db", Key: "password"}},
	}
	rel, err := BuildRelease(proj, ReleaseOptions{Image: img})
	if err != nil {
		t.Fatal(err)
	}
	if got := rel.Spec.SecretEnv["DB_PASSWORD"]; len(rel.Spec.SecretEnv) != 1 || got.Name != "shop-db" || got.Key != "password" {
		t.Fatalf("secretEnv %+v", rel.Spec.SecretEnv)
	}
	b, _ := json.Marshal(rel)
	if strings.Contains(string(b), "PG_PASS") {
		t.Errorf("the Release names the local reference: %s", b)
	}

	proj.Config.SecretEnv["API_TOKEN"] = config.SecretRef{FromFile: "secrets/token"}
	_, err = BuildRelease(proj, ReleaseOptions{Image: img})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "secretEnv.API_TOKEN: no secretKeyRef: on Kubernetes the pod reads it from a Secret") {
		t.Fatalf("local-only reference: %v", err)
	}
}
