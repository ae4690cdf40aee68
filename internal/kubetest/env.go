package kubetest

import (
	"context"
	"fmt"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/yaml"

	"pinwheel.dev/pinwheel/api/v1alpha1"
)

// Env is one test's namespace on the cluster with clients for it. The
// namespace is deleted when the test ends.
type Env struct {
	Namespace string
	Client    client.Client // knows client-go's types and api/v1alpha1
	Clientset kubernetes.Interface
	Recorder  record.EventRecorder // component "pinwheel", events go to the cluster
	Scheme    *kruntime.Scheme
	// Config is a copy of the cluster's (QPS 500, Burst 1000): change it freely.
	Config     *rest.Config
	Kubeconfig string
	Cluster    *Cluster
}

// quietControllerRuntime: controller-runtime prints a stack trace the
// first time a client logs without a logger set.
var quietControllerRuntime sync.Once

// Scheme returns a new scheme with client-go's types and api/v1alpha1.
func Scheme() (*kruntime.Scheme, error) {
	s := kruntime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, err
	}
	return s, nil
}

// NewEnv starts (or reuses) the cluster like Start and creates a namespace
// named after the test, "pw-<test name>-<random>".
func NewEnv(t testing.TB) *Env {
	t.Helper()
	cl := Start(t)
	quietControllerRuntime.Do(func() { ctrllog.SetLogger(logr.Discard()) })
	scheme, err := Scheme()
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.CopyConfig(cl.Config)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: namespacePrefix(t.Name())}}
	if err := c.Create(context.Background(), ns); err != nil {
		t.Fatalf("kubetest: create namespace: %v", err)
	}
	t.Cleanup(func() { _ = c.Delete(context.Background(), ns) })
	b := record.NewBroadcaster()
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
	t.Cleanup(b.Shutdown)
	return &Env{
		Namespace: ns.Name, Client: c, Clientset: cs, Scheme: scheme,
		Recorder: b.NewRecorder(scheme, corev1.EventSource{Component: "pinwheel"}),
		Config:   cfg, Kubeconfig: cl.Kubeconfig, Cluster: cl,
	}
}

// namespacePrefix is "pw-" and up to 20 characters of the test name made
// DNS-safe, ending in "-" for the API server's random suffix.
func namespacePrefix(name string) string {
	n := clusterName(name)
	n = strings.Trim(n[:min(20, len(n))], "-")
	return "pw-" + n + "-"
}

// Eventually polls cond every 250 ms until it holds, failing t with what and
// cond's last explanation after 3 minutes (a hung cluster, not a slow one).
func Eventually(t testing.TB, what string, cond func() (ok bool, why string)) {
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

// InstallCRD creates (or updates) the CustomResourceDefinition in doc
// (YAML or JSON), waits until it is Established, and gives e a new Client
// so that its REST mapping sees the new kind.
func (e *Env) InstallCRD(t testing.TB, doc []byte) {
	t.Helper()
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatalf("kubetest: CRD: %v", err)
	}
	var crd unstructured.Unstructured
	if err := crd.UnmarshalJSON(j); err != nil {
		t.Fatalf("kubetest: CRD: %v", err)
	}
	if crd.GetKind() != "CustomResourceDefinition" {
		t.Fatalf("kubetest: expected a CustomResourceDefinition, got kind %q", crd.GetKind())
	}
	ctx := context.Background()
	cur := &unstructured.Unstructured{}
	cur.SetGroupVersionKind(crd.GroupVersionKind())
	// Parallel tests install the same CRD: create, or update what is
	// there, retrying when another test got in between.
	Eventually(t, "CRD "+crd.GetName()+" installed", func() (bool, string) {
		want := crd.DeepCopy()
		if err := e.Client.Get(ctx, client.ObjectKey{Name: crd.GetName()}, cur); err == nil {
			want.SetResourceVersion(cur.GetResourceVersion())
			err = e.Client.Update(ctx, want)
			return err == nil, fmt.Sprint(err)
		} else if !apierrors.IsNotFound(err) {
			return false, err.Error()
		}
		err := e.Client.Create(ctx, want)
		return err == nil, fmt.Sprint(err)
	})
	Eventually(t, crd.GetName()+" established", func() (bool, string) {
		if err := e.Client.Get(ctx, client.ObjectKey{Name: crd.GetName()}, cur); err != nil {
			return false, err.Error()
		}
		conds, _, _ := unstructured.NestedSlice(cur.Object, "status", "conditions")
		for _, c := range conds {
			if m, _ := c.(map[string]any); m["type"] == "Established" && m["status"] == "True" {
				return true, ""
			}
		}
		return false, fmt.Sprint(conds)
	})
	c, err := client.New(e.Config, client.Options{Scheme: e.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	e.Client = c
}

// InstallReleaseCRD installs the repository's deploy/crd/*.yaml (the
// Release CRD) with InstallCRD.
func (e *Env) InstallReleaseCRD(t testing.TB) {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "deploy/crd/*.yaml"))
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var head struct{ Kind string }
		if yaml.Unmarshal(b, &head) != nil || head.Kind != "CustomResourceDefinition" {
			continue // kustomization.yaml
		}
		e.InstallCRD(t, b)
		n++
	}
	if n == 0 {
		t.Fatalf("kubetest: no CustomResourceDefinition in %s/deploy/crd", root)
	}
}
