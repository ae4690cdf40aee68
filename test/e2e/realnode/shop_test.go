package realnode_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// TestShopServesRealTrafficOnRealNode builds examples/shop on its real
// Debian base, pushes it with `pinwheel build --output` to a registry this
// test serves on 127.0.0.1, and deploys it through pinwheel's kube Target
// onto the real node, pulled by digest. The pod runs, the Service's
// ClusterIP answers from this machine (through kube-proxy's iptables rules)
// with the shop's own catalog, `kubectl logs` shows the shop's log line,
// and the pod carries the build's metadata annotations. The node's daemons
// listen on loopback or the node IP only.
func TestShopServesRealTrafficOnRealNode(t *testing.T) {
	began := time.Now()
	e := kubetest.NewRealNodeEnv(t)
	node := e.Cluster.Node
	t.Logf("cluster with a real node ready after %s", time.Since(began).Round(100*time.Millisecond))
	ctx := context.Background()
	defer func() {
		if t.Failed() {
			t.Log(node.Logs(30))
		}
	}()

	// The node's daemons listen on loopback or on the bridge, nowhere else.
	listening, err := node.ListeningAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for name, addrs := range listening {
		for _, a := range addrs {
			h, _, _ := net.SplitHostPort(a)
			if ip := net.ParseIP(h); ip == nil || !(ip.IsLoopback() || h == node.IP) {
				t.Errorf("%s listens on %s: neither loopback nor the node IP %s", name, a, node.IP)
			}
		}
	}
	if len(listening["kubelet"]) == 0 || len(listening["kube-proxy"]) == 0 {
		t.Errorf("listening sockets %v: the kubelet and kube-proxy must each have some (the /proc reading is broken)", listening)
	}

	// A registry on loopback; containerd runs on the host, so it reaches it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	host := l.Addr().String()
	node.TrustRegistry(t, host)

	res := buildShop(t, host+"/shop:1.0.0")
	image := host + "/shop@" + res.Digest
	t.Logf("built and pushed %s", image)

	// The service's own manifest: a Deployment (no replicas until pinwheel
	// deploys a release onto it) and a ClusterIP Service.
	labels := map[string]string{"app": "shop"}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: e.Namespace},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					NodeSelector:                  map[string]string{kubetest.RealNodeLabel: "true"},
					AutomountServiceAccountToken:  ptr.To(false),
					EnableServiceLinks:            ptr.To(false),
					TerminationGracePeriodSeconds: ptr.To[int64](5),
					Containers: []corev1.Container{{
						Name:  "shop",
						Image: image,
						Env:   []corev1.EnvVar{{Name: "SHOP_HOST", Value: "0.0.0.0"}},
						Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8000}},
						ReadinessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8000)}},
							PeriodSeconds: 1,
						},
					}},
				},
			},
		},
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: e.Namespace},
		Spec: corev1.ServiceSpec{
			Selector: labels,
			Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
		},
	}
	for _, o := range []client.Object{dep, svc} {
		if err := e.Client.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}

	// pinwheel's deploy path puts the release on the stable Deployment.
	rel := runtime.Release{ID: "shop-" + res.BuildInfo.Version, BuildInfo: res.BuildInfo, Artifact: runtime.Artifact{Image: image}}
	target := kube.New(e.Client, e.Clientset, e.Namespace, kube.WithRecorder(e.Recorder))
	applied := time.Now()
	// The deployment controller writes the new Deployment's status
	// meanwhile; a conflict is retried, as the controller's requeue would.
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		return target.Apply(ctx, runtime.Desired{Service: "shop", Stable: &rel, Replicas: 1})
	}); err != nil {
		t.Fatal(err)
	}

	var pod corev1.Pod
	kubetest.Eventually(t, "a shop pod Running and Ready on the real node", func() (bool, string) {
		var pods corev1.PodList
		if err := e.Client.List(ctx, &pods, client.InNamespace(e.Namespace), client.MatchingLabels(labels)); err != nil {
			return false, err.Error()
		}
		var seen []string
		for _, p := range pods.Items {
			seen = append(seen, podSummary(&p))
			if p.Spec.NodeName == node.Name && p.Status.Phase == corev1.PodRunning && podReady(&p) && p.DeletionTimestamp == nil {
				pod = p
				return true, ""
			}
		}
		return false, fmt.Sprintf("pods: %v", seen)
	})
	t.Logf("pod %s Ready %s after the release was applied (IP %s)", pod.Name, time.Since(applied).Round(10*time.Millisecond), pod.Status.PodIP)

	// Pulled by digest: the spec names the digest and containerd reports it.
	if got := pod.Spec.Containers[0].Image; got != image {
		t.Errorf("pod image %q, want %q", got, image)
	}
	if st := pod.Status.ContainerStatuses; len(st) != 1 || !strings.HasSuffix(st[0].ImageID, res.Digest) {
		t.Errorf("container statuses %+v: want image ID ending in %s", st, res.Digest)
	}
	// The build's metadata, as the deploy path writes it.
	for k, v := range res.BuildInfo.Annotations() {
		if got := pod.Annotations[k]; got != v {
			t.Errorf("pod annotation %s = %q, want %q", k, got, v)
		}
	}
	if got := pod.Annotations[kube.AnnotationRelease]; got != rel.ID {
		t.Errorf("pod annotation %s = %q, want %q", kube.AnnotationRelease, got, rel.ID)
	}

	// Real traffic: from this machine to the ClusterIP, through kube-proxy.
	if err := e.Client.Get(ctx, client.ObjectKeyFromObject(svc), svc); err != nil {
		t.Fatal(err)
	}
	// A new connection per request: one opened before kube-proxy programmed
	// the Service must not be reused once it has.
	hc := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var products struct {
		Products []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"products"`
	}
	url := "http://" + svc.Spec.ClusterIP + "/api/products"
	kubetest.Eventually(t, "GET "+url, func() (bool, string) {
		resp, err := hc.Get(url)
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return false, fmt.Sprintf("%s: %s", resp.Status, body)
		}
		if err := json.Unmarshal(body, &products); err != nil {
			return false, fmt.Sprintf("%v: %s", err, body)
		}
		return true, ""
	})
	if len(products.Products) != 4 || products.Products[0].Name != "pinwheel" {
		t.Errorf("GET %s: products %+v, want the shop's catalog of 4 starting with pinwheel", url, products.Products)
	}
	var version struct {
		Version string `json:"version"`
	}
	getJSON(t, hc, "http://"+svc.Spec.ClusterIP+"/api/version", &version)
	if version.Version != res.BuildInfo.Version {
		t.Errorf("GET /api/version: version %q, want %q", version.Version, res.BuildInfo.Version)
	}

	// kubectl logs goes kube-apiserver -> the kubelet on the node IP -> the
	// container's log file.
	out, err := exec.Command(kubetest.Kubectl(t), "--kubeconfig", e.Kubeconfig, "-n", e.Namespace, "logs", pod.Name).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl logs: %v\n%s", err, out)
	}
	if want := "shop " + res.BuildInfo.Version + " listening on 0.0.0.0:8000"; !strings.Contains(string(out), want) {
		t.Errorf("kubectl logs %s: %q does not contain %q", pod.Name, out, want)
	}
}

// buildShop builds a copy of examples/shop with the pinwheel binary and
// pushes it to ref.
func buildShop(t *testing.T, ref string) build.Result {
	t.Helper()
	root, err := kubetest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	proj := filepath.Join(tmp, "shop")
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "examples/shop"), proj).CombinedOutput(); err != nil {
		t.Fatalf("copy examples/shop: %v\n%s", err, out)
	}
	began := time.Now()
	cmd := exec.Command(pinwheelBin, "build", proj, "--output", ref, "--cache-dir", filepath.Join(tmp, "cache"), "-o", "json")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pinwheel build: %v\n%s%s", err, out, stderr.String())
	}
	var res build.Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pinwheel build -o json: %v\n%s", err, out)
	}
	t.Logf("pinwheel build took %s", time.Since(began).Round(100*time.Millisecond))
	return res
}

func getJSON(t *testing.T, hc *http.Client, url string, v any) {
	t.Helper()
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podSummary is "name phase node reason" for a failing wait's message.
func podSummary(p *corev1.Pod) string {
	s := fmt.Sprintf("%s %s %s", p.Name, p.Status.Phase, p.Spec.NodeName)
	for _, c := range p.Status.ContainerStatuses {
		if w := c.State.Waiting; w != nil {
			s += fmt.Sprintf(" %s: %s", w.Reason, w.Message)
		}
	}
	return s
}
