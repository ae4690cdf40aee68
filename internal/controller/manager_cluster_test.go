package controller

import "testing"

// Two controllers in one process (a test binary, a controller restarted
// in-process, `pinwheel deploy --target kube` run twice by a long-lived
// caller) must both be able to start: controller-runtime refuses a second
// controller of the same name in a process unless name validation is
// skipped.
func TestClusterNewManagerTwiceInOneProcess(t *testing.T) {
	e := clusterEnv(t, 1)
	for i := range 2 {
		if _, _, err := NewManager(e.Config, Options{Namespace: e.Namespace}); err != nil {
			t.Fatalf("manager %d: %v", i+1, err)
		}
	}
}
