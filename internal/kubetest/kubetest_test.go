package kubetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/testproc"
)

func TestMain(m *testing.M) { Main(m) }

func TestNamespacePrefixIsDNSSafe(t *testing.T) {
	for in, want := range map[string]string{
		"TestFoo":                           "pw-testfoo-",
		"TestA/sub_case":                    "pw-testa-sub-case-",
		"TestAVeryLongNameThatGoesOn/x":     "pw-testaverylongnametha-",
		"Test_trailing_dash_at_twenty-xxxx": "pw-test-trailing-dash-a-",
	} {
		if got := namespacePrefix(in); got != want {
			t.Errorf("namespacePrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRepoRootFindsTheModuleNotANestedOne(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "internal/kubetest/cluster.go")); err != nil {
		t.Fatalf("RepoRoot = %q, which does not hold this package: %v", root, err)
	}
	// test/kube/tools has a go.mod of another module: walk past it.
	t.Chdir(filepath.Join(root, "test/kube/tools"))
	if got, err := RepoRoot(); err != nil || got != root {
		t.Fatalf("from test/kube/tools: RepoRoot = %q, %v; want %q", got, err, root)
	}
	t.Chdir(t.TempDir())
	if got, err := RepoRoot(); err == nil {
		t.Fatalf("outside the repository: RepoRoot = %q, want an error", got)
	}
}

func TestEnvHasNamespaceClientsAndReleaseKind(t *testing.T) {
	e := NewEnv(t)
	ctx := context.Background()
	var ns corev1.Namespace
	if err := e.Client.Get(ctx, client.ObjectKey{Name: e.Namespace}, &ns); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Namespace, "pw-testenvhasnamespace") {
		t.Errorf("namespace %q, want it named after the test", e.Namespace)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: e.Namespace}, Data: map[string]string{"k": "v"}}
	if err := e.Client.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	got, err := e.Clientset.CoreV1().ConfigMaps(e.Namespace).Get(ctx, "x", metav1.GetOptions{})
	if err != nil || got.Data["k"] != "v" {
		t.Fatalf("clientset sees %v, %v; want the config map the client created", got, err)
	}
	if e.Config.QPS < 100 {
		t.Errorf("QPS = %v, want client-go's 5/s lifted", e.Config.QPS)
	}
	e.Recorder.Event(cm, corev1.EventTypeNormal, "Tested", "hello from kubetest")
	Eventually(t, "event recorded", func() (bool, string) {
		l, err := e.Clientset.CoreV1().Events(e.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, ev := range l.Items {
			if ev.Reason == "Tested" && ev.Source.Component == "pinwheel" {
				return true, ""
			}
		}
		return false, "no event yet"
	})
	e.InstallReleaseCRD(t)
	var list v1alpha1.ReleaseList
	if err := e.Client.List(ctx, &list, client.InNamespace(e.Namespace)); err != nil || len(list.Items) != 0 {
		t.Fatalf("listing Releases = %d items, %v; want an empty list", len(list.Items), err)
	}
}

func TestRestartAPIServerKeepsDataAndDropsWatches(t *testing.T) {
	e := NewEnv(t)
	ctx := context.Background()
	before, err := e.Cluster.APIServerPID()
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: e.Namespace}}
	if err := e.Client.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	w, err := e.Clientset.CoreV1().ConfigMaps(e.Namespace).Watch(ctx, metav1.ListOptions{ResourceVersion: cm.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	RestartAPIServer(t)

	after, err := e.Cluster.APIServerPID()
	if err != nil {
		t.Fatal(err)
	}
	if after == before || !testproc.Exited(before) {
		t.Fatalf("kube-apiserver pid %d -> %d (old one exited: %v); want a new process", before, after, testproc.Exited(before))
	}
	// The watch opened before the restart ends: its connection died.
	closed := false
	for !closed {
		select {
		case _, ok := <-w.ResultChan():
			closed = !ok
		case <-time.After(time.Minute):
			t.Fatal("a watch opened before the restart is still open a minute later")
		}
	}
	// etcd kept the data; the same client works again.
	var got corev1.ConfigMap
	if err := e.Client.Get(ctx, client.ObjectKeyFromObject(cm), &got); err != nil || got.UID != cm.UID {
		t.Fatalf("after restart: %v (uid %s, want %s)", err, got.UID, cm.UID)
	}
}

// A test that kills kube-apiserver and fails before starting it again
// (here: never starts it) does not take the tests after it down: the next
// Start names the dead component and its log, then repairs the cluster.
func TestKilledAPIServerIsRepairedForTheNextTest(t *testing.T) {
	c := Start(t)
	if c.Workdir == "" {
		t.Skip("needs the process's own cluster")
	}
	before, err := c.APIServerPID()
	if err != nil {
		t.Fatal(err)
	}
	// As RestartAPIServer does, hold the port lock from the kill until the
	// repair: a cluster another test process creates meanwhile would take
	// the dead kube-apiserver's port.
	unlock, err := c.lockPorts()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	t.Run("dies", func(t *testing.T) {
		if err := testproc.Kill(before, 9, time.Minute); err != nil {
			t.Fatal(err)
		}
		dead := strings.Join(c.dead(), "\n")
		if !strings.Contains(dead, fmt.Sprintf("kube-apiserver (pid %d) is not running; its log ends:", before)) {
			t.Errorf("dead() = %q, want kube-apiserver named with its log", dead)
		}
	})
	t.Run("next", func(t *testing.T) {
		e := NewEnv(t) // Start repairs the cluster, or fails with the cause
		after, err := c.APIServerPID()
		if err != nil || after == before {
			t.Fatalf("kube-apiserver pid %d -> %d (%v): not started again", before, after, err)
		}
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "after-repair", Namespace: e.Namespace}}
		if err := e.Client.Create(context.Background(), cm); err != nil {
			t.Fatalf("create after repair: %v", err)
		}
		if d := c.dead(); len(d) != 0 {
			t.Errorf("components still dead after the repair: %v", d)
		}
	})
}

// An outage longer than a leader-election renew deadline (10 s) leaves the
// scheduler, the controller manager and KWOK running: with leader election
// they exited ("Leaderelection lost") and the cluster stopped scheduling
// pods after a slow restart.
func TestLongAPIServerOutageKeepsTheOtherComponents(t *testing.T) {
	c := Start(t)
	if c.Workdir == "" {
		t.Skip("needs the process's own cluster")
	}
	before := map[string]int{}
	for _, comp := range c.components() {
		before[comp.Name] = comp.PID
	}
	restartAPIServer(t, 15*time.Second)
	for _, comp := range c.components() {
		if comp.Name == "kube-apiserver" {
			continue
		}
		if comp.PID != before[comp.Name] || testproc.Exited(comp.PID) {
			log, _ := os.ReadFile(c.logFile(comp.Name))
			t.Errorf("%s: pid %d -> %d (exited: %v) across a 15 s outage; its log ends:\n%s",
				comp.Name, before[comp.Name], comp.PID, testproc.Exited(comp.PID), tail(log, 10))
		}
	}
}

// Every component of the test cluster listens on loopback only: nothing the
// rig starts is reachable from another machine.
func TestClusterComponentsListenOnLoopbackOnly(t *testing.T) {
	e := NewEnv(t)
	if e.Cluster.Workdir == "" {
		t.Skip("the cluster from PINWHEEL_KUBECONFIG is not this process's own")
	}
	comps := e.Cluster.components()
	if len(comps) < 5 {
		t.Fatalf("components %v: want etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok-controller", comps)
	}
	listening := 0
	for _, c := range comps {
		addrs, err := listeningAddrs(c.PID)
		if err != nil {
			t.Fatalf("%s (pid %d): %v", c.Name, c.PID, err)
		}
		for _, a := range addrs {
			host, _, _ := net.SplitHostPort(a)
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				t.Errorf("%s (pid %d) listens on %s, not loopback", c.Name, c.PID, a)
			}
			listening++
		}
	}
	if listening < len(comps) {
		t.Fatalf("found %d listening sockets for %d components: the /proc reading is broken", listening, len(comps))
	}
}

func TestProcAddrDecodesKernelByteOrder(t *testing.T) {
	for in, want := range map[string]string{
		"0100007F:7FFC":                         "127.0.0.1:32764",
		"00000000:0050":                         "0.0.0.0:80",
		"00000000000000000000000001000000:1F90": "[::1]:8080",
	} {
		if got, err := procAddr(in); err != nil || got != want {
			t.Errorf("procAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := procAddr("zz:1"); err == nil {
		t.Error("procAddr accepted a non-hex address")
	}
}
