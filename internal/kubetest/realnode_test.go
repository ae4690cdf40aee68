package kubetest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestRealNodeGate runs a test that asks for the real node in a child
// process under each setting of the variables: PINWHEEL_REQUIRE_KUBE=1
// without PINWHEEL_KUBE_REAL_NODE fails (a run that must test the cluster
// cannot pass by skipping the real node); =0 skips; no variable skips.
func TestRealNodeGate(t *testing.T) {
	if os.Getenv("PINWHEEL_KUBETEST_GATE_CHILD") == "1" {
		NewRealNodeEnv(t)
		t.Log("real node granted")
		return
	}
	for _, c := range []struct {
		name, require, real string
		set                 bool
		fail                bool
		want                string
	}{
		{name: "required and unset", require: "1", fail: true, want: "PINWHEEL_REQUIRE_KUBE=1 covers the real node"},
		{name: "required and left out", require: "1", real: "0", set: true, want: "SKIP"},
		{name: "not required, unset", want: "SKIP"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRealNodeGate$", "-test.v")
			env := []string{"PINWHEEL_KUBETEST_GATE_CHILD=1", "PINWHEEL_REQUIRE_KUBE=" + c.require}
			for _, e := range os.Environ() {
				if !strings.HasPrefix(e, RealNodeVar+"=") && !strings.HasPrefix(e, "PINWHEEL_REQUIRE_KUBE=") {
					env = append(env, e)
				}
			}
			if c.set {
				env = append(env, RealNodeVar+"="+c.real)
			}
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != c.fail || !strings.Contains(string(out), c.want) || strings.Contains(string(out), "granted") {
				t.Errorf("child: %v, want failure %v and %q:\n%s", err, c.fail, c.want, out)
			}
		})
	}
}
