package v1alpha1

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// controllerGen is the generator `make generate` runs; keep in step with
// the Makefile.
const controllerGen = "sigs.k8s.io/controller-tools/cmd/controller-gen@v0.23.0"

// TestGeneratedUpToDate regenerates the deep-copy code, the CRD and the
// RBAC role into a temporary directory and fails if the committed files
// differ: run `make generate` after changing a type or a marker. It fetches
// the generator from the module proxy when needed; -short skips it.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds controller-gen; skipped with -short")
	}
	// `go run pkg@version` fetches controller-gen from the module proxy
	// when it is not in the module cache yet (a fresh machine).
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	runs := []struct {
		args      []string
		generated string // file the run writes into tmp
		committed string // its committed copy, relative to root
	}{
		{[]string{"object", "paths=./api/...", "output:object:dir=" + tmp}, "zz_generated.deepcopy.go", "api/v1alpha1/zz_generated.deepcopy.go"},
		{[]string{"crd:allowDangerousTypes=true", "paths=./api/...", "output:crd:artifacts:config=" + tmp}, "pinwheel.dev_releases.yaml", "deploy/crd/pinwheel.dev_releases.yaml"},
		{[]string{"rbac:roleName=pinwheel-controller", "paths=./internal/runtime/kube/...", "output:rbac:artifacts:config=" + tmp}, "role.yaml", "deploy/rbac/role.yaml"},
	}
	for _, r := range runs {
		cmd := exec.Command("go", append([]string{"run", controllerGen}, r.args...)...)
		cmd.Dir = root
		// The default -mod=readonly: loading ./api must never rewrite go.mod.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("controller-gen %s: %v\n%s", r.args[0], err, out)
		}
		got, err := os.ReadFile(filepath.Join(tmp, r.generated))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(root, r.committed))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `make generate` and commit the result", r.committed)
		}
	}
}
