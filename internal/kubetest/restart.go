package kubetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
)

var restartMu sync.Mutex

// APIServerPID is the pid of the cluster's kube-apiserver, from kwokctl's
// pid file. Only for the process's own cluster.
func (c *Cluster) APIServerPID() (int, error) {
	if c.Workdir == "" {
		return 0, fmt.Errorf("kubetest: the cluster from PINWHEEL_KUBECONFIG is not this process's own")
	}
	b, err := os.ReadFile(filepath.Join(c.Workdir, "clusters", c.Name, "pids", "kube-apiserver.pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// RestartAPIServer kills the cluster's kube-apiserver (SIGKILL, as a crash
// would), starts it again with `kwokctl start cluster` (which starts only
// the components that are not running; etcd and its data, the controller
// manager, scheduler and KWOK keep running) and waits until it answers
// /readyz. Clients see their connections and watches drop. It skips t for a
// PINWHEEL_KUBECONFIG cluster (not this process's to restart). Tests that
// call it must not run in parallel with other cluster tests of the process.
func RestartAPIServer(t testing.TB) {
	t.Helper()
	c := Start(t)
	if c.Workdir == "" {
		t.Skip("RestartAPIServer needs the process's own cluster, not PINWHEEL_KUBECONFIG's")
	}
	restartMu.Lock()
	defer restartMu.Unlock()
	// kwokctl gives a new cluster the free ports below 32766: while this
	// kube-apiserver is down, a cluster created by another process could take
	// its port. scripts/kube-up.sh creates clusters under this lock; hold it
	// until the port is ours again.
	lock, err := os.OpenFile(filepath.Join(c.Cache, ".create.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close() // releases the flock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("kubetest: lock %s: %v", lock.Name(), err)
	}
	began := time.Now()
	pid, err := c.APIServerPID()
	if err != nil {
		t.Fatalf("kubetest: kube-apiserver pid: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kubetest: kill kube-apiserver %d: %v", pid, err)
	}
	Eventually(t, fmt.Sprintf("kube-apiserver %d exited", pid), func() (bool, string) {
		return !alive(pid), "still running"
	})
	// The killed process may linger as a zombie (this machine's init reaps
	// late), which kwokctl would take for a running kube-apiserver.
	pidFile := filepath.Join(c.Workdir, "clusters", c.Name, "pids", "kube-apiserver.pid")
	if err := os.Remove(pidFile); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(c.Cache, "kwokctl"), "start", "cluster", "--name", c.Name, "--wait", "1m")
	// kwokctl's readiness check runs the kubectl it finds on PATH first.
	cmd.Env = append(os.Environ(), "PATH="+c.Cache+string(os.PathListSeparator)+os.Getenv("PATH"), "KWOK_WORKDIR="+c.Workdir, "KWOK_KUBECTL_BINARY="+filepath.Join(c.Cache, "kubectl"), "KWOK_KUBE_VERSION="+KubeVersion)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubetest: kwokctl start cluster: %v\n%s", err, out.String())
	}
	npid, err := c.APIServerPID()
	if err != nil || npid == pid || !alive(npid) {
		log, _ := os.ReadFile(filepath.Join(c.Workdir, "clusters", c.Name, "logs", "kube-apiserver.log"))
		t.Fatalf("kubetest: kube-apiserver did not come back (pid %d, %v); kwokctl:\n%s\nlog tail:\n%s", npid, err, out.String(), tail(log, 20))
	}
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		t.Fatal(err)
	}
	Eventually(t, "kube-apiserver ready after restart", func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return false, err.Error()
		}
		return string(b) == "ok", string(b)
	})
	t.Logf("kubetest: kube-apiserver restarted in %s", time.Since(began).Round(10*time.Millisecond))
}

// alive reports whether pid runs (a zombie counts as gone).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
