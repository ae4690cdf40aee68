package realnode_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

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

	node.TrustRegistry(t, registryHost)
	shop := buildShop(t, good1)
	res, image := shop.Result, shop.Ref

	// The service's own manifest: a Deployment (no replicas until pinwheel
	// deploys a release onto it) and a ClusterIP Service.
	dep, svc := shopObjects(e.Namespace, image, 0)
	labels := dep.Spec.Selector.MatchLabels
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
