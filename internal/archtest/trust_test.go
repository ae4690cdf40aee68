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
