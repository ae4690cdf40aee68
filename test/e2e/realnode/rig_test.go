package realnode_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/promtest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// terminal are the phases a rollout ends in.
var terminal = []rollout.Phase{rollout.Promoted, rollout.RolledBack, rollout.Aborted, rollout.Failed}

// shopRig is one test's namespace on the cluster with the real node: the
// Release CRD, the shop's stable Deployment (replicas real pods of the
// 1.0.0 build) and its ClusterIP Service, and a real Prometheus that finds
// the shop's pods through the API server and scrapes their /metrics.
type shopRig struct {
	t *testing.T
	*kubetest.Env
	node      *kubetest.RealNode
	clusterIP string
	prom      *promtest.Server
	provider  *metrics.Prometheus
	// hc opens a new connection per request, so kube-proxy picks a pod for
	// each (and one opened before the Service was programmed is not reused).
	hc *http.Client
}

func newShopRig(t *testing.T, replicas int32) *shopRig {
	t.Helper()
	e := kubetest.NewRealNodeEnv(t)
	r := &shopRig{t: t, Env: e, node: e.Cluster.Node,
		hc: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(r.node.Logs(30))
			out, _ := exec.Command(kubetest.Kubectl(t), "--kubeconfig", r.Kubeconfig, "-n", r.Namespace, "get", "pods,rs,jobs", "-o", "wide").CombinedOutput()
			t.Logf("kubectl get pods,rs,jobs:\n%s", out)
		}
	})
	r.InstallReleaseCRD(t)
	r.node.TrustRegistry(t, registryHost)
	dep, svc := shopObjects(r.Namespace, buildShop(t, good1).Ref, replicas)
	for _, o := range []client.Object{dep, svc} {
		r.create(o)
	}
	r.clusterIP = svc.Spec.ClusterIP
	// Debian's prometheus has no Kubernetes discovery; kube-build builds one.
	r.prom = promtest.StartBinary(t, filepath.Join(kubetest.Cache(), "prometheus"),
		promtest.PodScrapeConfig(r.Kubeconfig, "http", r.Namespace))
	var err error
	if r.provider, err = metrics.NewPrometheus(r.prom.URL, metrics.WithPromNamespace(r.Namespace)); err != nil {
		t.Fatal(err)
	}
	r.WaitRolledOut(t, "shop")
	return r
}

// shopObjects are the service's own manifest: a Deployment of image on the
// real node and a ClusterIP Service in front of it.
func shopObjects(ns, image string, replicas int32) (*appsv1.Deployment, *corev1.Service) {
	labels := map[string]string{"app": "shop"}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
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
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns},
		Spec: corev1.ServiceSpec{
			Selector: labels,
			Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
		},
	}
	return dep, svc
}

func (r *shopRig) create(o client.Object) {
	r.t.Helper()
	if err := r.Client.Create(context.Background(), o); err != nil {
		r.t.Fatalf("create %T %s: %v", o, o.GetName(), err)
	}
}

func (r *shopRig) release(name string) *v1alpha1.Release {
	r.t.Helper()
	var rel v1alpha1.Release
	if err := r.Client.Get(context.Background(), client.ObjectKey{Namespace: r.Namespace, Name: name}, &rel); err != nil {
		r.t.Fatal(err)
	}
	return &rel
}

// waitPhase waits until the Release is in one of phases.
func (r *shopRig) waitPhase(name string, phases ...rollout.Phase) *v1alpha1.Release {
	r.t.Helper()
	var rel *v1alpha1.Release
	kubetest.Eventually(r.t, fmt.Sprintf("release %s in %v", name, phases), func() (bool, string) {
		rel = r.release(name)
		for _, p := range phases {
			if rel.Status.Phase == string(p) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("phase %s step %d weight %d: %s", rel.Status.Phase, rel.Status.Step, rel.Status.CanaryWeight, rel.Status.Message)
	})
	return rel
}

// newRelease is a Release of img for the shop Deployment.
func newRelease(ns, name string, img shopImage, s v1alpha1.Strategy) *v1alpha1.Release {
	if s.ProgressDeadline == nil {
		s.ProgressDeadline = &metav1.Duration{Duration: 2 * time.Minute}
	}
	if s.ScaleDownDelay == nil {
		s.ScaleDownDelay = &metav1.Duration{Duration: time.Second}
	}
	return &v1alpha1.Release{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       v1alpha1.ReleaseSpec{Service: "shop", Image: img.Ref, BuildInfo: v1alpha1.BuildInfoFrom(img.BuildInfo), Strategy: s},
	}
}

// promote rolls out release name of img with a single step to 100 % (no
// analysis) and waits until the stable Deployment runs it: the shop's
// pods then carry pinwheel's revision label, which Prometheus keys on.
func (r *shopRig) promote(name string, img shopImage) {
	r.t.Helper()
	r.create(newRelease(r.Namespace, name, img, v1alpha1.Strategy{Steps: []v1alpha1.Step{{SetWeight: ptr.To[int32](100)}}}))
	if got := r.waitPhase(name, terminal...); got.Status.Phase != string(rollout.Promoted) {
		r.t.Fatalf("%s: phase %s: %s", name, got.Status.Phase, got.Status.Message)
	}
	r.WaitRolledOut(r.t, "shop")
}

// startController runs controller.Run in this process for the rig's
// namespace, judging with the rig's Prometheus, until the test ends.
func (r *shopRig) startController(o controller.Options) {
	r.t.Helper()
	o.Namespace = r.Namespace
	o.Metrics = r.provider
	o.SampleStep = time.Second
	o.WaitPoll = 2 * time.Second
	if os.Getenv("PINWHEEL_TEST_LOG") != "" {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- controller.Run(ctx, r.Config, o) }()
	r.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Errorf("controller: %v", err)
		}
	})
}

// waitScraped waits until Prometheus has the request rate of revision's
// pods: discovery through the API server, relabelling and scrapes work.
func (r *shopRig) waitScraped(revision string) {
	r.t.Helper()
	kubetest.Eventually(r.t, "prometheus has the request rate of "+revision, func() (bool, string) {
		s, err := r.provider.Query(context.Background(), metrics.Query{Expr: metrics.RequestRate, Service: "shop", Release: revision, End: time.Now()})
		if err != nil {
			return false, err.Error()
		}
		return len(s) > 0 && s[len(s)-1].Value > 0, fmt.Sprintf("samples %v", s)
	})
}

// rolloutStatus runs `kubectl rollout status` on the stable Deployment.
func (r *shopRig) rolloutStatus() string {
	r.t.Helper()
	out, err := exec.Command(kubetest.Kubectl(r.t), "--kubeconfig", r.Kubeconfig, "-n", r.Namespace,
		"rollout", "status", "deployment/shop", "--timeout=2m").CombinedOutput()
	if err != nil {
		r.t.Fatalf("kubectl rollout status deployment/shop: %v\n%s", err, out)
	}
	return string(out)
}

// pods lists the shop's pods of revision (all of them for "") that are
// not being deleted.
func (r *shopRig) pods(revision string) []corev1.Pod {
	r.t.Helper()
	sel := client.MatchingLabels{"app": "shop"}
	if revision != "" {
		sel["pinwheel.dev/revision"] = revision
	}
	var list corev1.PodList
	if err := r.Client.List(context.Background(), &list, client.InNamespace(r.Namespace), sel); err != nil {
		r.t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

// load is steady traffic to the Service's ClusterIP (through kube-proxy)
// from this machine: GET /api/version, whose answer names the version
// that served it, one new connection per request.
type load struct {
	mu     sync.Mutex
	counts map[string]int // "200 1.1.0", "500 errors", "error" (no answer) …
	last   []string       // the newest answers, for failure messages
	cancel context.CancelFunc
	done   chan struct{}
}

// startLoad sends requests from workers goroutines, each pausing pause
// between requests, until the test ends or stop is called.
func (r *shopRig) startLoad(workers int, pause time.Duration) *load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{counts: map[string]int{}, cancel: cancel, done: make(chan struct{})}
	url := "http://" + r.clusterIP + "/api/version"
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				l.record(r.hc.Get(url))
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		}()
	}
	go func() { wg.Wait(); close(l.done) }()
	r.t.Cleanup(l.stop)
	return l
}

func (l *load) record(resp *http.Response, err error) {
	key := ""
	if err != nil {
		key = "error"
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// 200: {"version": "1.1.0", …}; the fault's 500: {"fault": "errors", …}
		var v struct{ Version, Fault string }
		_ = json.Unmarshal(body, &v)
		what := v.Version
		if what == "" {
			what = v.Fault
		}
		key = fmt.Sprintf("%d %s", resp.StatusCode, what)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[key]++
	if l.last = append(l.last, key); len(l.last) > 20 {
		l.last = l.last[1:]
	}
}

func (l *load) stop() {
	l.cancel()
	<-l.done
}

// snapshot is the counts so far.
func (l *load) snapshot() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.counts))
	for k, v := range l.counts {
		out[k] = v
	}
	return out
}

// waitAnswer waits until key ("200 1.1.0") has been answered n more
// times than in since.
func (l *load) waitAnswer(t *testing.T, key string, since map[string]int, n int) {
	t.Helper()
	kubetest.Eventually(t, fmt.Sprintf("%d more %q answers through the Service", n, key), func() (bool, string) {
		now := l.snapshot()
		l.mu.Lock()
		last := strings.Join(l.last, ", ")
		l.mu.Unlock()
		return now[key]-since[key] >= n, fmt.Sprintf("counts %v; newest: %s", now, last)
	})
}

// decisions counts the Release's logged decisions with action.
func decisions(rel *v1alpha1.Release, action string) int {
	n := 0
	for _, d := range rel.Status.Decisions {
		if d.Action == action {
			n++
		}
	}
	return n
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
