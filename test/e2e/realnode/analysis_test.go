package realnode_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// canaryStrategy: half the pods run the canary (replica-ratio traffic
// through the one Service), then samples rounds of analysis 3 s apart
// judge it on its own series — the error rate (at most 5 %) and its median
// latency against the stable release's — and the canary is promoted.
func canaryStrategy(samples int32) v1alpha1.Strategy {
	return v1alpha1.Strategy{
		Steps: []v1alpha1.Step{{SetWeight: ptr.To[int32](50)},
			{Analysis: &v1alpha1.AnalysisStep{Checks: []string{"error-rate", "latency-vs-stable"}, Samples: samples}}},
		Checks: []v1alpha1.Check{
			{Name: "error-rate", Kind: "threshold", Query: metrics.ErrorRate, Max: ptr.To(0.05), MinSamples: 3},
			{Name: "latency-vs-stable", Kind: "compare", Query: metrics.LatencyP50, Tolerance: 1.0, Alpha: 0.01, MinSamples: 3},
		},
		Analysis: v1alpha1.AnalysisSettings{Interval: &metav1.Duration{Duration: 3 * time.Second},
			Warmup: &metav1.Duration{Duration: 5 * time.Second}, InconclusiveLimit: ptr.To[int32](8)},
	}
}

// smokeCommand runs in the release's own image: it reaches the canary pod
// it is given and prints the version baked into the image it runs.
var smokeCommand = []string{"python3", "-c",
	"import os, urllib.request, shop; urllib.request.urlopen(os.environ['CANARY_URL'] + '/healthz', timeout=10).read(); print('smoke of shop', shop.__version__, 'ok')"}

// TestReleasesJudgedOnRealPodMetrics rolls the shop out on real pods
// behind one Service under steady load through its ClusterIP, judged by
// pinwheel's controller on what a real Prometheus scrapes from the pods it
// discovers through the API server:
//
//   - 1.1.0, a good build: its smoke Job runs in its own image on the real
//     node, its HTTP smoke probes reach the canary pod, analysis passes on
//     real series of both revisions, it is promoted and `kubectl rollout
//     status` is green; every pod runs its digest with its build metadata.
//   - 1.2.0, a build whose SHOP_FAULT answers half its API requests 500:
//     real 5xx reach the load, its error rate fails the analysis, it is
//     rolled back, the load sees no 500 once its pods are gone, and the
//     remediation report carries its real log lines (kubectl logs).
func TestReleasesJudgedOnRealPodMetrics(t *testing.T) {
	r := newShopRig(t, 2)
	reports := t.TempDir()
	r.startController(controller.Options{Tracker: notify.FileTracker{Dir: reports}})
	r.promote("shop-v1", buildShop(t, good1))
	v2, v3 := buildShop(t, good2), buildShop(t, bad)
	l := r.startLoad(2, 20*time.Millisecond)
	r.waitScraped("shop-v1")

	// The good release.
	rel := newRelease(r.Namespace, "shop-v2", v2, canaryStrategy(2))
	rel.Spec.Smoke = &v1alpha1.SmokeStep{Command: smokeCommand,
		HTTP: []v1alpha1.HTTPProbe{{Path: "/healthz"}, {Path: "/api/products/999", ExpectStatus: 404}}}
	r.create(rel)
	got := r.waitPhase(rel.Name, terminal...)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("shop-v2: phase %s, want Promoted: %s\ndecisions: %+v", got.Status.Phase, got.Status.Message, got.Status.Decisions)
	}
	checkPassedOnRealSeries(t, got, r.Namespace)
	if n := decisions(got, "promote"); n != 1 {
		t.Errorf("%d promote decisions, want 1", n)
	}
	if out := r.rolloutStatus(); !strings.Contains(out, `deployment "shop" successfully rolled out`) {
		t.Errorf("kubectl rollout status: %s", out)
	}
	r.checkPodsRun(v2, "shop-v2")
	r.checkSmoke(v2, "shop-v2")
	counts := l.snapshot()
	if counts["200 1.1.0"] == 0 || counts["200 1.0.0"] == 0 {
		t.Errorf("load through the Service: %v; want answers from both 1.0.0 and 1.1.0 pods", counts)
	}
	for k, n := range counts {
		if strings.HasPrefix(k, "5") {
			t.Errorf("load got %d %q answers during a good release", n, k)
		}
	}
	t.Logf("load during shop-v2: %v", counts)

	// The bad release, against the new stable.
	before := r.GetDeployment(t, "shop")
	r.waitScraped("shop-v2")
	since := l.snapshot()
	bad := newRelease(r.Namespace, "shop-v3", v3, canaryStrategy(2))
	bad.Spec.Smoke = &v1alpha1.SmokeStep{Command: smokeCommand, HTTP: []v1alpha1.HTTPProbe{{Path: "/healthz"}}}
	r.create(bad)
	got = r.waitPhase(bad.Name, terminal...)
	if got.Status.Phase != string(rollout.RolledBack) {
		t.Fatalf("shop-v3: phase %s, want RolledBack: %s", got.Status.Phase, got.Status.Message)
	}
	if n := decisions(got, "promote"); n != 0 {
		t.Errorf("%d promote decisions for the faulty release", n)
	}
	v := failedVerdict(t, got, "error-rate")
	t.Logf("shop-v3 rolled back: %s", v)
	if v.Evidence.Value == nil || *v.Evidence.Value < 0.2 || *v.Evidence.Value > 0.8 ||
		!strings.Contains(v.Evidence.Query, `revision="shop-v3"`) || !strings.Contains(v.Evidence.Query, `namespace="`+r.Namespace+`"`) {
		t.Errorf("failing verdict %+v: want about 0.5 (SHOP_FAULT_RATE) measured on revision shop-v3 in %s", v.Evidence, r.Namespace)
	}
	after := l.snapshot()
	if n := after["500 errors"] - since["500 errors"]; n == 0 {
		t.Errorf("the load got no 500 from the faulty canary: %v", after)
	}
	r.checkSmoke(v3, "shop-v3")

	// Rolled back: the canary is gone and only the stable answers.
	kubetest.Eventually(t, "no shop-v3 pod left", func() (bool, string) {
		n := len(r.pods("shop-v3"))
		return n == 0, ""
	})
	stable := r.GetDeployment(t, "shop")
	if stable.Generation != before.Generation || stable.Spec.Template.Spec.Containers[0].Image != v2.Ref {
		t.Errorf("stable deployment touched by the rollback: generation %d -> %d, image %s", before.Generation, stable.Generation, stable.Spec.Template.Spec.Containers[0].Image)
	}
	settled := l.snapshot()
	l.waitAnswer(t, "200 1.1.0", settled, 40)
	end := l.snapshot()
	if end["500 errors"] != settled["500 errors"] || end["200 1.2.0"] != settled["200 1.2.0"] {
		t.Errorf("answers from the faulty release after its rollback: %v, then %v", settled, end)
	}

	// The remediation report: the failing check, both builds, and the
	// canary's own log lines read through the kubelet.
	files, _ := filepath.Glob(filepath.Join(reports, "*.md"))
	if len(files) != 1 {
		t.Fatalf("remediation reports %v, want 1", files)
	}
	report, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("remediation report %s: %d bytes, %d lines of the canary's log", filepath.Base(files[0]), len(report),
		strings.Count(string(report), "injected fault: 500"))
	for _, want := range []string{"shop-v3", "error-rate", "injected fault: 500 for GET /api/version",
		v3.BuildInfo.LockHash, v3.Digest, v2.Digest} {
		if !strings.Contains(string(report), want) {
			t.Errorf("remediation report lacks %q:\n%s", want, report)
		}
	}
}

// checkPassedOnRealSeries: every analysis round of rel passed on real
// Prometheus samples of its own revision, and the compare check also had
// the stable release's samples.
func checkPassedOnRealSeries(t *testing.T, rel *v1alpha1.Release, ns string) {
	t.Helper()
	st, _, err := rel.Status.EngineStatus()
	if err != nil {
		t.Fatal(err)
	}
	rounds := 0
	for _, d := range st.Decisions {
		if d.Action != "measure" {
			continue
		}
		rounds++
		for _, v := range d.Verdicts {
			if v.Outcome == analysis.Inconclusive {
				continue
			}
			if v.Outcome != analysis.Pass || v.Evidence.Value == nil || v.Evidence.Samples < 3 ||
				!strings.Contains(v.Evidence.Query, `revision="`+rel.Name+`"`) || !strings.Contains(v.Evidence.Query, `namespace="`+ns+`"`) {
				t.Errorf("round verdict %+v: want a pass on ≥3 Prometheus samples of %s", v, rel.Name)
			}
			if v.Check == "latency-vs-stable" && (v.Evidence.StableValue == nil || v.Evidence.StableSamples < 3) {
				t.Errorf("compare verdict %+v: no stable samples", v.Evidence)
			}
			if v.Check == "error-rate" && *v.Evidence.Value != 0 {
				t.Errorf("error rate %v of a release that answers no 500", *v.Evidence.Value)
			}
		}
	}
	if rounds < 2 {
		t.Errorf("%d measured rounds, want 2: %+v", rounds, st.Decisions)
	}
}

// failedVerdict is check's Fail verdict in the engine's decision log.
func failedVerdict(t *testing.T, rel *v1alpha1.Release, check string) analysis.Verdict {
	t.Helper()
	st, _, err := rel.Status.EngineStatus()
	if err != nil {
		t.Fatal(err)
	}
	for i := len(st.Decisions) - 1; i >= 0; i-- {
		for _, v := range st.Decisions[i].Verdicts {
			if v.Check == check && v.Outcome == analysis.Fail {
				return v
			}
		}
	}
	t.Fatalf("no failing %s verdict in %+v", check, st.Decisions)
	return analysis.Verdict{}
}

// checkPodsRun: every pod of the stable Deployment runs img (the digest
// containerd pulled) and carries its build metadata and release.
func (r *shopRig) checkPodsRun(img shopImage, release string) {
	r.t.Helper()
	pods := r.pods("")
	if len(pods) == 0 {
		r.t.Fatal("no shop pods")
	}
	for _, p := range pods {
		r.checkPodRunsBuild(&p, img)
		if p.Annotations["pinwheel.dev/release"] != release {
			r.t.Errorf("pod %s: release annotation %q, want %s", p.Name, p.Annotations["pinwheel.dev/release"], release)
		}
	}
}

// checkPodRunsBuild: pod p ran on the real node, from img's digest (the
// image ID containerd reports), and carries img's build metadata.
func (r *shopRig) checkPodRunsBuild(p *corev1.Pod, img shopImage) {
	r.t.Helper()
	if p.Spec.NodeName != r.node.Name {
		r.t.Errorf("pod %s on node %q, want the real node", p.Name, p.Spec.NodeName)
	}
	if st := p.Status.ContainerStatuses; len(st) != 1 || !strings.HasSuffix(st[0].ImageID, img.Digest) {
		r.t.Errorf("pod %s: container statuses %+v, want image ID ending in %s", p.Name, st, img.Digest)
	}
	for k, v := range img.BuildInfo.Annotations() {
		if p.Annotations[k] != v {
			r.t.Errorf("pod %s: annotation %s = %q, want %q", p.Name, k, p.Annotations[k], v)
		}
	}
}

// checkSmoke: the release's smoke Job ran on the real node in the
// release's own image (the digest, the version baked into it), its pod
// carried the build metadata, and the HTTP probes of the smoke step
// reached the canary's pods (the canary counted the 404 of the probe no
// load sends, for a release with that probe).
func (r *shopRig) checkSmoke(img shopImage, release string) {
	r.t.Helper()
	ctx := context.Background()
	var jobs batchv1.JobList
	if err := r.Client.List(ctx, &jobs, client.InNamespace(r.Namespace), client.MatchingLabels{"pinwheel.dev/revision": release}); err != nil {
		r.t.Fatal(err)
	}
	if len(jobs.Items) != 1 {
		r.t.Fatalf("smoke jobs of %s: %d, want 1", release, len(jobs.Items))
	}
	job := jobs.Items[0]
	if job.Status.Succeeded != 1 {
		r.t.Errorf("smoke job %s: status %+v, want succeeded", job.Name, job.Status)
	}
	pods := r.jobPods(job.Name)
	if len(pods) != 1 {
		r.t.Fatalf("pods of smoke job %s: %d", job.Name, len(pods))
	}
	p := pods[0]
	r.checkPodRunsBuild(&p, img)
	out, err := exec.Command(kubetest.Kubectl(r.t), "--kubeconfig", r.Kubeconfig, "-n", r.Namespace, "logs", p.Name).CombinedOutput()
	if want := "smoke of shop " + img.BuildInfo.Version + " ok"; err != nil || !strings.Contains(string(out), want) {
		r.t.Errorf("kubectl logs %s: %v %q, want %q", p.Name, err, out, want)
	}
	if release != "shop-v2" {
		return
	}
	// The probe of /api/products/999 (404) reached a canary pod: counted
	// there, and by no other pod (the load asks for /api/version only).
	sel := `namespace="` + r.Namespace + `",revision="` + release + `",code="404"`
	if n, ok := r.promValue(`sum(max_over_time(http_requests_total{` + sel + `,pod=~"shop-canary-.+"}[10m]))`); !ok || n < 1 {
		r.t.Errorf("404s counted by the canary's pods (the HTTP smoke probe): %v (found: %v)", n, ok)
	}
	if n, ok := r.promValue(`sum(max_over_time(http_requests_total{` + sel + `,pod!~"shop-canary-.+"}[10m]))`); ok && n != 0 {
		r.t.Errorf("404s counted by pods other than the canary's: %v", n)
	}
}

// promValue is an instant PromQL query's value now; ok is false when it
// has no result.
func (r *shopRig) promValue(expr string) (float64, bool) {
	r.t.Helper()
	s, err := r.provider.Query(context.Background(), metrics.Query{Expr: expr, End: time.Now()})
	if err != nil {
		r.t.Fatalf("%s: %v", expr, err)
	}
	if len(s) == 0 {
		return 0, false
	}
	return s[len(s)-1].Value, true
}

// jobPods are the pods of the Job name.
func (r *shopRig) jobPods(name string) []corev1.Pod {
	r.t.Helper()
	var list corev1.PodList
	if err := r.Client.List(context.Background(), &list, client.InNamespace(r.Namespace), client.MatchingLabels{"job-name": name}); err != nil {
		r.t.Fatal(err)
	}
	return list.Items
}
