package archtest

import (
	"strings"
	"testing"
)

// The signing half's boundaries: keys and DSSE know no storage, network or
// pinwheel format; verify decides without building, deploying or recording.
func TestSigningBoundaries(t *testing.T) {
	root := repoRoot(t)
	for _, rule := range []struct {
		pkg, why string
		bad      []string
	}{
		{"internal/signing", "keys and envelopes are plain bytes: no network, registry or pinwheel package",
			[]string{"net/http", "github.com/google/go-containerregistry", module + "internal"}},
		{"internal/verify", "verify reads attestations and decides; it builds, deploys and records nothing",
			[]string{module + "internal/build", module + "internal/target", module + "internal/deploy", module + "internal/ledger",
				module + "internal/kubecli", module + "internal/controller", "k8s.io", "sigs.k8s.io"}},
	} {
		if got := reaches(deps(t, root, rule.pkg), rule.bad...); len(got) > 0 {
			t.Errorf("%s reaches %s: %s", rule.pkg, strings.Join(got, ", "), rule.why)
		}
	}
}

// internal/verify/verifytest (a registry of signed images) is for tests only.
func TestVerifyTestRigOnlyInTests(t *testing.T) {
	root := repoRoot(t)
	rig := module + "internal/verify/verifytest"
	for dir, files := range packages(t, root) {
		if strings.HasSuffix(dir, "verifytest") {
			continue
		}
		for _, f := range files {
			for _, p := range imports(t, f) {
				if p == rig {
					t.Errorf("%s imports the test rig %s outside a _test.go file", f, rig)
				}
			}
		}
	}
}
