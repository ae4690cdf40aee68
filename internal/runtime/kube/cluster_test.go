package kube

import (
	"testing"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/kubetest"
)

// The cluster tests run against a real control plane from
// internal/kubetest (docs/kube-testing.md): one cluster for the package's
// test process, a namespace per test.

func TestMain(m *testing.M) { kubetest.Main(m) }

// env is one test's namespace on the cluster with clients for it.
type env struct {
	*kubetest.Env
	ns  string
	c   client.Client
	cs  kubernetes.Interface
	rec record.EventRecorder
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := kubetest.NewEnv(t)
	return &env{Env: e, ns: e.Namespace, c: e.Client, cs: e.Clientset, rec: e.Recorder}
}

var eventually = kubetest.Eventually
