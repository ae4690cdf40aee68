package kubetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// repairMu serialises what restarts the cluster's components: a test's
// RestartAPIServer and the repairs Start makes for the tests after it.
var repairMu sync.Mutex

// ready polls kube-apiserver's /readyz until it answers "ok" or limit
// passes; the error is its last answer.
func (c *Cluster) ready(limit time.Duration) error {
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		cancel()
		if err == nil && string(b) == "ok" {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("/readyz: %s", b)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// ensureHealthy is Start's check before every test: the API server answers
// /readyz and, for the process's own cluster, every component runs. When
// not, the components that died (a test that restarted kube-apiserver and failed
// half-way, a crash) are started again; when that fails too, the error
// says which component is down and how its log ends — the cause, where a
// test would otherwise see only "connection refused".
func (c *Cluster) ensureHealthy() error {
	err := c.ready(20 * time.Second)
	if err == nil && c.Workdir != "" {
		if dead := c.dead(); len(dead) > 0 {
			err = fmt.Errorf("%d components are not running", len(dead))
		}
	}
	if err == nil {
		return nil
	}
	if c.Workdir == "" {
		return fmt.Errorf("kubetest: the PINWHEEL_KUBECONFIG cluster is not ready: %v", err)
	}
	repairMu.Lock()
	defer repairMu.Unlock()
	if c.ready(time.Second) == nil && len(c.dead()) == 0 { // another test repaired it meanwhile
		return nil
	}
	dead := c.dead()
	unlock, lerr := c.lockPorts()
	if lerr != nil {
		return lerr
	}
	defer unlock()
	if rerr := c.repair(); rerr != nil {
		return fmt.Errorf("kubetest: the cluster is not ready (%v) and could not be repaired: %v\n%s", err, rerr, strings.Join(dead, "\n"))
	}
	var names []string
	for _, d := range dead {
		names = append(names, strings.SplitN(d, ";", 2)[0])
	}
	fmt.Fprintf(os.Stderr, "kubetest: the cluster was not ready (%v); started again: %s\n", err, strings.Join(names, ", "))
	return nil
}

// repair starts the components that are not running again with `kwokctl
// start cluster` (which leaves running ones alone; etcd keeps its data),
// and waits until the API server is ready. A start that fails because the
// dead process's port is still taken (its last threads still tearing down,
// or another process) is retried up to three times once the port is free.
// Callers hold repairMu and lockPorts' lock.
func (c *Cluster) repair() error {
	port, err := testproc.PortOf(c.Config.Host)
	if err != nil {
		return fmt.Errorf("kube-apiserver address %q: %v", c.Config.Host, err)
	}
	var last error
	for attempt := 1; attempt <= 3; attempt++ {
		c.forgetDead()
		if _, err := c.APIServerPID(); err != nil { // kube-apiserver is to be started
			if err := testproc.WaitPortFree(port, time.Minute); err != nil {
				return err
			}
		}
		out, err := c.kwokctl("start", "cluster", "--name", c.Name, "--wait", "1m")
		if err == nil {
			if err = c.ready(time.Minute); err == nil {
				return nil
			}
		}
		last = fmt.Errorf("attempt %d: %v\nkwokctl: %s\n%s", attempt, err, out, strings.Join(c.dead(), "\n"))
	}
	return last
}

// portLock is this process's hold on scripts/kube-up.sh's creation lock.
// It is counted, not owned by a goroutine: a test that kills a component
// holds it until the next test's Start has repaired the cluster, and that
// repair takes it again without waiting for itself. (Within the process,
// repairMu keeps repairs apart.)
var portLock struct {
	sync.Mutex
	held int
	file *os.File
}

// portLockPath is the creation lock scripts/kube-up.sh takes too:
// $PINWHEEL_KUBE_LOCK, else one for the whole machine in /run/lock (ports
// are the machine's, and runs with different caches must share it), else
// one in the cache.
func portLockPath(cache string) string {
	if p := os.Getenv("PINWHEEL_KUBE_LOCK"); p != "" {
		return p
	}
	const machine = "/run/lock/pinwheel-kube-ports.lock"
	if st, err := os.Stat("/run/lock"); err == nil && st.IsDir() && syscall.Access("/run/lock", 2) == nil {
		if _, err := os.Stat(machine); err != nil || syscall.Access(machine, 2) == nil {
			return machine // (another user's lock file cannot be opened: then the cache's)
		}
	}
	return filepath.Join(cache, ".create.lock")
}

// lockPorts takes scripts/kube-up.sh's creation lock: while a component is
// down, a cluster another process creates could take its port (kwokctl
// picks free ports below 32766 — seen: another cluster's etcd on this
// kube-apiserver's port, which could then never start again); it may
// create clusters again once ours are back.
func (c *Cluster) lockPorts() (unlock func(), err error) {
	portLock.Lock()
	defer portLock.Unlock()
	if portLock.held == 0 {
		f, err := os.OpenFile(portLockPath(c.Cache), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		portLock.file = f
	}
	portLock.held++
	var once sync.Once
	return func() {
		once.Do(func() {
			portLock.Lock()
			defer portLock.Unlock()
			if portLock.held--; portLock.held == 0 {
				portLock.file.Close() // releases the flock
				portLock.file = nil
			}
		})
	}, nil
}

// kwokctl runs the cached kwokctl on the cluster's work dir.
func (c *Cluster) kwokctl(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(c.Cache, "kwokctl"), args...)
	// kwokctl's readiness check runs the kubectl it finds on PATH first.
	cmd.Env = append(os.Environ(), "PATH="+c.Cache+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KWOK_WORKDIR="+c.Workdir, "KWOK_KUBECTL_BINARY="+filepath.Join(c.Cache, "kubectl"), "KWOK_KUBE_VERSION="+KubeVersion)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = fmt.Errorf("kwokctl %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), err
}
