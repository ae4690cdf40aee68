package kubetest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// GatewayAPIModule is the Gateway API release whose CRDs the tests install.
const GatewayAPIModule = "sigs.k8s.io/gateway-api@v1.6.3"

// HTTPRouteCRD returns the standard-channel HTTPRoute CRD of
// GatewayAPIModule, fetched into the module cache with `go mod download`
// (source from the Go module proxy; this module's go.mod does not change).
// t is skipped when the module cannot be fetched, unless the cluster is
// required (PINWHEEL_REQUIRE_KUBE=1), where it fails.
func HTTPRouteCRD(t testing.TB) []byte {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", GatewayAPIModule)
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		if Required() {
			t.Fatalf("kubetest: go mod download %s: %v", GatewayAPIModule, err)
		}
		t.Skipf("go mod download %s: %v", GatewayAPIModule, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatalf("kubetest: go mod download %s: %v", GatewayAPIModule, err)
	}
	b, err := os.ReadFile(filepath.Join(mod.Dir, "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml"))
	if err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	return b
}
