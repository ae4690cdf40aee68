package kubetest

import (
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// RestartAPIServer kills the cluster's kube-apiserver (SIGKILL, as a crash
// would), waits until it has really exited (every thread gone and reaped,
// its port free: a zombie leader is not enough), starts it again with
// `kwokctl start cluster` (which starts only the components that are not
// running; etcd and its data, the controller manager, scheduler and KWOK
// keep running), retrying a start that loses a race for the port, and
// waits until it answers /readyz. Clients see their connections and
// watches drop.
//
// Whatever happens in the test, the cluster is healthy again when it ends
// (a cleanup repairs it), so the tests after it never inherit a cluster
// without an API server. It skips t for a PINWHEEL_KUBECONFIG cluster (not
// this process's to restart). Tests that call it must not run in parallel
// with other cluster tests of the process.
func RestartAPIServer(t testing.TB) {
	t.Helper()
	restartAPIServer(t, 0)
}

// restartAPIServer is RestartAPIServer with kube-apiserver kept down for
// at least down before it is started again.
func restartAPIServer(t testing.TB, down time.Duration) {
	t.Helper()
	c := Start(t)
	if c.Workdir == "" {
		t.Skip("RestartAPIServer needs the process's own cluster, not PINWHEEL_KUBECONFIG's")
	}
	t.Cleanup(func() {
		if err := c.ensureHealthy(); err != nil {
			t.Errorf("kubetest: after the restart: %v", err)
		}
	})
	repairMu.Lock()
	defer repairMu.Unlock()
	// kwokctl gives a new cluster the free ports below 32766: while this
	// kube-apiserver is down, a cluster created by another process could
	// take its port. Hold scripts/kube-up.sh's lock until it is ours again.
	unlock, err := c.lockPorts()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	began := time.Now()
	pid, err := c.APIServerPID()
	if err != nil {
		t.Fatalf("kubetest: kube-apiserver pid: %v", err)
	}
	port, err := testproc.PortOf(c.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	if err := testproc.Kill(pid, 9, time.Minute); err != nil {
		t.Fatalf("kubetest: kill kube-apiserver: %v", err)
	}
	if err := testproc.WaitPortFree(port, time.Minute); err != nil {
		t.Fatalf("kubetest: after killing kube-apiserver %d: %v", pid, err)
	}
	time.Sleep(time.Until(began.Add(down))) // the outage itself, not a wait
	if err := c.repair(); err != nil {
		t.Fatalf("kubetest: kube-apiserver did not come back: %v", err)
	}
	if npid, err := c.APIServerPID(); err != nil || npid == pid {
		t.Fatalf("kubetest: kube-apiserver pid %d after the restart (was %d): %v", npid, pid, err)
	}
	t.Logf("kubetest: kube-apiserver restarted in %s", time.Since(began).Round(10*time.Millisecond))
}
