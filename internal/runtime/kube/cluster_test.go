package kube

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
)

// The cluster tests run against a real control plane: kube-apiserver,
// etcd, kube-controller-manager and kube-scheduler with KWOK's simulated
// nodes and pods (scripts/kube-up.sh). They use, in order:
//
//   - PINWHEEL_KUBECONFIG: a running cluster's kubeconfig (kept running);
//   - the binaries in the kube cache (scripts/kube-build.sh): a cluster of
//     their own, started once for the package and deleted at the end;
//
// and skip with a message saying which is missing otherwise, or under -short.

var testCluster struct {
	once       sync.Once
	cfg        *rest.Config
	kubeconfig string
	skip       string
	err        error
	down       func()
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if testCluster.down != nil {
		testCluster.down()
	}
	os.Exit(code)
}

func kubeCache() string {
	if c := os.Getenv("PINWHEEL_KUBE_CACHE"); c != "" {
		return c
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache/pinwheel/kube/v1.37.2")
}

func startCluster() {
	kc := os.Getenv("PINWHEEL_KUBECONFIG")
	if kc == "" {
		for _, b := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "etcd", "kwok", "kwokctl"} {
			if _, err := os.Stat(filepath.Join(kubeCache(), b)); err != nil {
				testCluster.skip = fmt.Sprintf("no real control plane: %s is not built in %s (run scripts/kube-build.sh, or set PINWHEEL_KUBECONFIG to a running cluster's kubeconfig)", b, kubeCache())
				return
			}
		}
		root, _ := filepath.Abs("../../..")
		work, err := os.MkdirTemp("", "pinwheel-kube-test-")
		if err != nil {
			testCluster.err = err
			return
		}
		name := fmt.Sprintf("runtime-kube-%d", os.Getpid())
		env := append(os.Environ(), "PINWHEEL_KUBE_CLUSTER="+name, "PINWHEEL_KUBE_WORKDIR="+work)
		testCluster.down = func() {
			cmd := exec.Command("bash", filepath.Join(root, "scripts/kube-down.sh"))
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				// Keep the work dir: it is what finds the processes to stop.
				fmt.Fprintf(os.Stderr, "kube-down: %v\n%s", err, out)
				return
			}
			os.RemoveAll(work)
		}
		up := exec.Command("bash", filepath.Join(root, "scripts/kube-up.sh"))
		up.Env = env
		var stdout, stderr bytes.Buffer
		up.Stdout, up.Stderr = &stdout, &stderr
		if err := up.Run(); err != nil {
			testCluster.err = fmt.Errorf("kube-up: %v\n%s", err, stderr.String())
			return
		}
		f := strings.Fields(stdout.String())
		if len(f) == 0 {
			testCluster.err = fmt.Errorf("kube-up printed no kubeconfig\n%s", stderr.String())
			return
		}
		kc = f[len(f)-1]
	}
	testCluster.kubeconfig = kc
	testCluster.cfg, testCluster.err = clientcmd.BuildConfigFromFlags("", kc)
	if testCluster.cfg != nil {
		// client-go's default of 5 requests/s would make every test (and the
		// benchmark) measure the client's rate limiter, not the API server.
		testCluster.cfg.QPS, testCluster.cfg.Burst = 500, 1000
	}
}

// env is one test's namespace on the cluster with clients for it.
type env struct {
	ns  string
	c   client.Client
	cs  kubernetes.Interface
	rec record.EventRecorder
}

func newEnv(t testing.TB) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("cluster test; skipped with -short")
	}
	testCluster.once.Do(startCluster)
	if testCluster.skip != "" {
		t.Skip(testCluster.skip)
	}
	if testCluster.err != nil {
		t.Fatal(testCluster.err)
	}
	scheme := kruntime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(testCluster.cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(testCluster.cfg)
	if err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "pw-" + strings.ToLower(strings.ReplaceAll(t.Name(), "_", "-"))[:min(20, len(t.Name()))] + "-"}}
	ns.GenerateName = strings.ReplaceAll(ns.GenerateName, "/", "-")
	if err := c.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Delete(context.Background(), ns) })
	b := record.NewBroadcaster()
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
	t.Cleanup(b.Shutdown)
	return &env{ns: ns.Name, c: c, cs: cs, rec: b.NewRecorder(scheme, corev1.EventSource{Component: "pinwheel"})}
}

// eventually polls cond until it holds, failing the test with cond's last
// explanation after a generous bound (a hung cluster, not a slow one).
func eventually(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; last: %s", what, why)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
