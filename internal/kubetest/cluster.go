// Package kubetest gives tests a real Kubernetes control plane: kube-apiserver,
// etcd, kube-controller-manager and kube-scheduler run by kwokctl with KWOK's
// simulated nodes (scripts/kube-up.sh), started once per test process and
// shared by every test in it, each in a namespace of its own.
//
// It is imported only by tests. The cluster comes from, in order:
//
//   - PINWHEEL_KUBECONFIG: a running cluster's kubeconfig (used, never stopped);
//   - the binaries in the kube cache (scripts/kube-build.sh): a cluster of the
//     process's own, deleted by Stop (call it from TestMain, or use Main).
//
// A test is skipped under -short, and when neither is there, unless
// PINWHEEL_REQUIRE_KUBE=1 (make test, CI): then it fails, so a missing
// control plane can never pass silently. docs/kube-testing.md has the details.
//
// NewRealNodeEnv (opt-in, PINWHEEL_KUBE_REAL_NODE=1, root) gives the
// process's cluster a real node beside KWOK's: a kubelet with containerd and
// runc, and kube-proxy, so pods run real containers and Services answer.
package kubetest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// KubeVersion is the Kubernetes version scripts/kube-build.sh builds.
const KubeVersion = "v1.37.2"

// Binaries are the files scripts/kube-build.sh puts in the cache.
var Binaries = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "etcd", "kwok", "kwokctl"}

// Cluster is the process's test cluster.
type Cluster struct {
	// Config has QPS 500 and Burst 1000 (client-go's default of 5/s would make
	// tests measure the client's rate limiter). Copy it before changing it.
	Config     *rest.Config
	Kubeconfig string
	// Name and Workdir are kwokctl's cluster name and work dir; both are
	// empty for a PINWHEEL_KUBECONFIG cluster, which this package does not own.
	Name    string
	Workdir string
	Cache   string
	// Node is the cluster's real node (NewRealNodeEnv), nil when it has
	// KWOK's simulated nodes only.
	Node *RealNode
}

var state struct {
	once    sync.Once
	real    bool // the first Start asked for a real node
	cluster *Cluster
	skip    string
	err     error
	env     []string // scripts' environment for an own cluster
	root    string
}

// Cache is the directory of the control-plane binaries:
// $PINWHEEL_KUBE_CACHE, default ~/.cache/pinwheel/kube/v1.37.2.
func Cache() string {
	if c := os.Getenv("PINWHEEL_KUBE_CACHE"); c != "" {
		return c
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache/pinwheel/kube", KubeVersion)
}

// Required reports whether PINWHEEL_REQUIRE_KUBE=1: a missing control plane
// fails the test instead of skipping it.
func Required() bool { return os.Getenv("PINWHEEL_REQUIRE_KUBE") == "1" }

// RepoRoot finds the repository root: the nearest directory above the
// working directory whose go.mod declares module pinwheel.dev/pinwheel.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module pinwheel.dev/pinwheel\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("kubetest: no go.mod of module pinwheel.dev/pinwheel above the working directory")
		}
		dir = parent
	}
}

// Start returns the process's cluster, starting it on first use. It skips
// t (or fails it, under PINWHEEL_REQUIRE_KUBE=1) when there is no control
// plane, skips under -short, and fails t when the cluster did not come up.
func Start(t testing.TB) *Cluster {
	t.Helper()
	return startCluster(t, false)
}

func startCluster(t testing.TB, real bool) *Cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("cluster test; skipped with -short")
	}
	state.once.Do(func() {
		state.real = real
		start()
	})
	if state.skip != "" {
		if Required() {
			t.Fatalf("PINWHEEL_REQUIRE_KUBE=1 but %s", state.skip)
		}
		t.Skip(state.skip)
	}
	if state.err != nil {
		t.Fatal(state.err)
	}
	if err := state.cluster.ensureHealthy(); err != nil {
		t.Fatal(err)
	}
	return state.cluster
}

func start() {
	c := &Cluster{Cache: Cache(), Kubeconfig: os.Getenv("PINWHEEL_KUBECONFIG")}
	if c.Kubeconfig == "" {
		for _, b := range Binaries {
			if _, err := os.Stat(filepath.Join(c.Cache, b)); err != nil {
				state.skip = fmt.Sprintf("no real control plane: %s is not built in %s (run make kube-build, or set PINWHEEL_KUBECONFIG to a running cluster's kubeconfig)", b, c.Cache)
				return
			}
		}
		if state.real {
			if why := realNodeMissing(c.Cache); why != "" {
				state.err = fmt.Errorf("kubetest: %s=1 but %s", RealNodeVar, why)
				return
			}
		}
		if err := c.up(); err != nil {
			state.err = err
			return
		}
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		state.err = fmt.Errorf("kubetest: kubeconfig %s: %w", c.Kubeconfig, err)
		return
	}
	cfg.QPS, cfg.Burst = 500, 1000
	c.Config = cfg
	state.cluster = c
}

// up creates the process's own cluster with scripts/kube-up.sh in a fresh
// work dir, named after the test binary and the pid.
func (c *Cluster) up() error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "pinwheel-kube-test-")
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
	c.Name = strings.Trim(clusterName(fmt.Sprintf("%s-%d", base, os.Getpid())), "-")
	c.Workdir = work
	state.root = root
	state.env = append(os.Environ(), "PINWHEEL_KUBE_CLUSTER="+c.Name, "PINWHEEL_KUBE_WORKDIR="+work, "PINWHEEL_KUBE_CACHE="+c.Cache)
	// kube-up.sh starts a real node under this variable; set it to what
	// this process asked for, whatever its environment says.
	real := "0"
	if state.real {
		real = "1"
		c.Node = newRealNode(filepath.Join(work, c.Name+".node"))
	}
	state.env = append(state.env, "PINWHEEL_KUBE_REAL_NODE="+real)
	up := exec.Command("bash", filepath.Join(root, "scripts/kube-up.sh"))
	up.Env = state.env
	var stdout, stderr bytes.Buffer
	up.Stdout, up.Stderr = &stdout, &stderr
	err = up.Run()
	state.cluster = c // so that Stop deletes whatever got started
	if err != nil {
		return fmt.Errorf("kubetest: scripts/kube-up.sh: %v\n%s", err, stderr.String())
	}
	f := strings.Fields(stdout.String())
	if len(f) == 0 {
		return fmt.Errorf("kubetest: scripts/kube-up.sh printed no kubeconfig\n%s", stderr.String())
	}
	c.Kubeconfig = f[len(f)-1]
	return nil
}

// clusterName keeps lower-case letters, digits and dashes (kwokctl's names).
func clusterName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, s)
}

// Stop deletes the process's own cluster (scripts/kube-down.sh) and its work
// dir; a PINWHEEL_KUBECONFIG cluster is left running. Safe to call when no
// cluster was started.
func Stop() {
	c := state.cluster
	if c == nil || c.Workdir == "" {
		return
	}
	// kwokctl signals the components and does not wait for them: note them
	// first, then wait until each has exited and reap it (they are this
	// process's children: Main made it their subreaper).
	comps := c.components()
	down := exec.Command("bash", filepath.Join(state.root, "scripts/kube-down.sh"))
	down.Env = append(state.env, "PINWHEEL_KUBE_DOWN_NOWAIT=1")
	out, err := down.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubetest: scripts/kube-down.sh: %v\n%s", err, out)
		for _, comp := range comps {
			_ = syscall.Kill(comp.PID, syscall.SIGTERM)
		}
	}
	for _, p := range stopComponents(comps, 30*time.Second) {
		fmt.Fprintf(os.Stderr, "kubetest: stopping the cluster: %s\n", p)
	}
	os.RemoveAll(c.Workdir)
	state.cluster = nil
}

// Main is a TestMain body: it makes the test process the subreaper of
// what kwokctl starts, runs the tests, stops the cluster, and fails the
// binary when a process the tests started is still running
// (testproc.Run).
//
// after runs once the cluster is stopped (e.g. to remove a binary the
// tests built).
//
//	func TestMain(m *testing.M) { kubetest.Main(m) }
func Main(m *testing.M, after ...func()) {
	flag.Parse()
	os.Exit(testproc.Run(m, append([]func(){Stop}, after...)...))
}

// Kubectl is the path of the cached kubectl (skipping or failing t like
// Start when it is missing).
func Kubectl(t testing.TB) string {
	t.Helper()
	k := filepath.Join(Cache(), "kubectl")
	if _, err := os.Stat(k); err != nil {
		if Required() {
			t.Fatalf("PINWHEEL_REQUIRE_KUBE=1 but there is no kubectl in %s", Cache())
		}
		t.Skipf("no kubectl in %s (run make kube-build)", Cache())
	}
	return k
}
