package kubetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// RealNodeVar opts a test process into the real node. With
// PINWHEEL_KUBE_REAL_NODE=1 a missing piece (not root, binaries not built,
// runc or iptables missing) fails the test. With =0 NewRealNodeEnv skips.
// Unset, it skips too — unless PINWHEEL_REQUIRE_KUBE=1, which covers the
// real node: then the test fails, so a run that must test the cluster
// cannot pass by skipping the real node (make test sets it to 1 as root,
// 0 otherwise).
const RealNodeVar = "PINWHEEL_KUBE_REAL_NODE"

// NodeBinaries are what scripts/kube-build.sh puts in the cache for a real
// node, besides the control plane's Binaries, and the prometheus with
// Kubernetes service discovery that scrapes its pods.
var NodeBinaries = []string{"kubelet", "kube-proxy", "containerd", "containerd-shim-runc-v2", "ctr",
	"cni/bridge", "cni/host-local", "cni/loopback", "cni/portmap", "pause.oci.tar", "prometheus"}

// RealNode is the cluster's real node (scripts/kube-node-up.sh): a kubelet
// with containerd, Debian's runc and the CNI bridge plugin, and kube-proxy
// in iptables mode. Pods scheduled on it run real containers; Services'
// ClusterIPs answer from this machine.
type RealNode struct {
	// Name is the Node's name; it carries the label pinwheel.dev/real-node=true.
	Name string
	// IP is the node IP: the pod bridge's own address.
	IP string
	// Bridge is the pods' Linux bridge.
	Bridge string
	// Workdir holds containerd's, the kubelet's and kube-proxy's state,
	// config and logs (containerd.log, kubelet.log, kube-proxy.log).
	Workdir string
}

// Node labels and defaults of scripts/kube-node-up.sh.
const (
	RealNodeLabel   = "pinwheel.dev/real-node"
	realNodeName    = "pinwheel-real-node"
	realNodeBridge  = "pwrn0"
	realNodeAddress = "10.89.0.1"
)

func newRealNode(workdir string) *RealNode {
	n := &RealNode{Name: realNodeName, IP: realNodeAddress, Bridge: realNodeBridge, Workdir: workdir}
	if v := os.Getenv("PINWHEEL_KUBE_NODE_NAME"); v != "" {
		n.Name = v
	}
	if v := os.Getenv("PINWHEEL_KUBE_NODE_BRIDGE"); v != "" {
		n.Bridge = v
	}
	if v := os.Getenv("PINWHEEL_KUBE_NODE_SUBNET"); v != "" {
		n.IP = v[:strings.LastIndexByte(v, '.')] + ".1"
	}
	return n
}

// realNodeMissing says why this machine cannot run the real node, or "".
func realNodeMissing(cache string) string {
	if os.Geteuid() != 0 {
		return "a real node needs root"
	}
	for _, b := range NodeBinaries {
		if _, err := os.Stat(filepath.Join(cache, b)); err != nil {
			return fmt.Sprintf("%s is not built in %s (run make kube-build)", b, cache)
		}
	}
	for _, p := range []string{"/usr/sbin/runc", "/usr/sbin/iptables"} {
		if _, err := os.Stat(p); err != nil {
			return p + " is missing (scripts/setup.sh installs Debian's runc and iptables)"
		}
	}
	return ""
}

// NewRealNodeEnv is NewEnv on a cluster with a real node beside the KWOK
// ones, started once per test process (scripts/kube-up.sh with
// PINWHEEL_KUBE_REAL_NODE=1) and torn down completely by Stop, which Main
// runs at the end and on SIGINT/SIGTERM. The real node must be the process's
// first cluster request: put real-node tests in a package of their own.
//
// It runs with PINWHEEL_KUBE_REAL_NODE=1, skips with =0 and under -short,
// and without the variable skips, or fails under PINWHEEL_REQUIRE_KUBE=1.
func NewRealNodeEnv(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("real-node test: skipped under -short")
	}
	switch v := os.Getenv(RealNodeVar); {
	case v == "1":
	case v == "" && Required():
		t.Fatalf("real-node test: PINWHEEL_REQUIRE_KUBE=1 covers the real node: set %s=1 (root) to run it, or %s=0 to leave it out (make test sets it)", RealNodeVar, RealNodeVar)
	default:
		t.Skipf("real-node test: set %s=1 to run it (root; docs/kube-testing.md)", RealNodeVar)
	}
	cl := startCluster(t, true)
	if cl.Node == nil {
		t.Fatalf("kubetest: this process's cluster has no real node (it came from PINWHEEL_KUBECONFIG, or a test called NewEnv before NewRealNodeEnv)")
	}
	return NewEnv(t)
}

// TrustRegistry lets the node's containerd pull from host (e.g. a
// registry a test serves on 127.0.0.1:PORT) over plain HTTP: it writes
// host's hosts.toml in the config_path containerd reads on every pull.
func (n *RealNode) TrustRegistry(t testing.TB, host string) {
	t.Helper()
	dir := filepath.Join(n.Workdir, "containerd", "certs.d", host)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	toml := fmt.Sprintf("server = %q\n\n[host.%q]\n  capabilities = [\"pull\", \"resolve\"]\n  skip_verify = true\n", "http://"+host, "http://"+host)
	if err := os.WriteFile(filepath.Join(dir, "hosts.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
}

// Logs is the tail of the node's daemons' logs (containerd, kubelet,
// kube-proxy), for a failing test's message.
func (n *RealNode) Logs(lines int) string {
	var b strings.Builder
	for _, name := range []string{"containerd", "kubelet", "kube-proxy"} {
		data, err := os.ReadFile(filepath.Join(n.Workdir, name+".log"))
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "--- %s.log (last %d lines)\n%s\n", name, lines, tail(data, lines))
	}
	return b.String()
}

// ListeningAddrs are the TCP addresses each of the node's daemons
// (containerd, kubelet, kube-proxy) listens on, read from /proc like the
// control plane's.
func (n *RealNode) ListeningAddrs() (map[string][]string, error) {
	out := map[string][]string{}
	for _, name := range []string{"containerd", "kubelet", "kube-proxy"} {
		b, err := os.ReadFile(filepath.Join(n.Workdir, name+".pid"))
		if err != nil {
			return nil, err
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, fmt.Errorf("kubetest: %s.pid: %v", name, err)
		}
		addrs, err := listeningAddrs(pid)
		if err != nil {
			return nil, fmt.Errorf("kubetest: %s (pid %d): %v", name, pid, err)
		}
		out[name] = addrs
	}
	return out, nil
}
