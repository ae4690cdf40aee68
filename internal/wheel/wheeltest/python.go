package wheeltest

import (
	"os/exec"
	"strings"
	"testing"
)

// Python returns the machine's python3, skipping the test when absent.
func Python(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	return p
}

// BundledDir is ensurepip's _bundled directory of the machine's python3.
func BundledDir(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(Python(t), "-c", "import ensurepip,os;print(os.path.join(os.path.dirname(ensurepip.__file__),'_bundled'))").Output()
	if err != nil {
		t.Skipf("python3 has no ensurepip: %v", err)
	}
	return strings.TrimSpace(string(out))
}
