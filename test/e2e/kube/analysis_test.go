package kubee2e

import (
	"strings"
	"testing"

	"k8s.io/utils/ptr"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/promtest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestBadReleaseRolledBackByPrometheus: the canary answers 20 % of its
// requests with 500 (the stable 0 %), Prometheus scrapes that, and the
// controller's analysis (built-in error_rate, at most 5 %) rolls the
// release back: the Release ends RolledBack naming the failing check, the
// canary is at zero replicas, the stable Deployment was never touched, a
// signed rolled-back webhook carries both releases' build metadata and the
// failing verdict, and a remediation issue names the check, the lock hashes
// and the image digests.
func TestBadReleaseRolledBackByPrometheus(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4)
	p := r.startPrometheus(map[string]promtest.Traffic{"shop-v1": load(0), "shop-v2": load(0.2)})
	if v, err := p.errorRate("shop-v2"); err != nil || !near(v, 0.2) {
		t.Fatalf("prometheus error_rate of shop-v2 = %v, %v; want 0.2 (the exporter's)", v, err)
	}
	rc := newReceiver(t)
	r.startController(controller.Options{Metrics: p.provider, Notifier: rc.notifier(), Tracker: rc.tracker()})
	before := r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, analysisStrategy(2))
	w := r.watch(rel.Name)
	r.create(rel)
	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.RolledBack) {
		t.Fatalf("phase %s, want RolledBack: %s", got.Status.Phase, got.Status.Message)
	}
	if w.sawPhase(rollout.Promoting) || w.sawPhase(rollout.Promoted) || w.sawWeight(50) || appliedWeight(got, 50) {
		t.Errorf("a failing release got past its analysis: %v", w.history())
	}
	if n := decisions(got, "promote"); n != 0 {
		t.Errorf("%d promote decisions", n)
	}
	rollback := lastDecision(got, "rollback")
	t.Logf("rollback reason: %s", rollback)
	if !strings.Contains(rollback, "analysis failed") || !strings.Contains(rollback, "error-rate") {
		t.Errorf("rollback reason %q: want the failing analysis and check", rollback)
	}
	v := failedVerdict(t, got, "error-rate")
	if v.Evidence.Value == nil || !near(*v.Evidence.Value, 0.2) || !strings.Contains(v.Evidence.Query, `revision="shop-v2"`) ||
		!strings.Contains(v.Evidence.Query, `namespace="`+r.Namespace+`"`) {
		t.Errorf("failing verdict %+v: want ≈0.2 measured on revision shop-v2 in %s", v, r.Namespace)
	}

	kubetest.Eventually(t, "canary at zero", func() (bool, string) {
		c := r.deployment("shop-canary")
		return ptr.Deref(c.Spec.Replicas, 1) == 0 && c.Status.Replicas == 0, ""
	})
	stable := r.deployment("shop")
	if stable.Generation != before.Generation || stable.Spec.Template.Spec.Containers[0].Image != imageV1 ||
		stable.Spec.Template.Annotations["pinwheel.dev/release"] != "shop-v1" {
		t.Errorf("stable deployment touched: generation %d -> %d, image %s, release %s", before.Generation, stable.Generation,
			stable.Spec.Template.Spec.Containers[0].Image, stable.Spec.Template.Annotations["pinwheel.dev/release"])
	}
	if n := r.eventCount(rel.Name, "StableUpdated"); n != 0 {
		t.Errorf("%d StableUpdated events for a rolled-back release", n)
	}

	// The signed webhook: rolling back, then rolled back, with both builds.
	if len(rc.received(notify.RolloutRollingBack, "shop-v2")) == 0 {
		t.Errorf("no rolling-back webhook (got %v)", rc.eventTypes())
	}
	var ev notify.Event
	kubetest.Eventually(t, "rolled-back webhook", func() (bool, string) {
		evs := rc.received(notify.RolloutRolledBack, "shop-v2")
		if len(evs) == 0 {
			return false, strings.Join(rc.eventTypes(), " ")
		}
		ev = evs[0]
		return true, ""
	})
	if b := ev.Release.Build; b.LockHash != "sha256:lock-shop-v2" || b.ImageDigest != imageV2[len(imageV2)-71:] || b.GitCommit != "c0ffee-shop-v2" {
		t.Errorf("rolled-back event's release build %+v", b)
	}
	if ev.Stable == nil || ev.Stable.ID != "shop-v1" || ev.Stable.Build.LockHash != "sha256:lock-shop-v1" ||
		ev.Stable.Build.ImageDigest != imageV1[len(imageV1)-71:] {
		t.Errorf("rolled-back event's stable %+v: want shop-v1 with its build metadata", ev.Stable)
	}
	if len(ev.Verdicts) == 0 || ev.Verdicts[0].Check != "error-rate" || ev.Verdicts[0].Outcome != analysis.Fail {
		t.Errorf("rolled-back event's verdicts %+v", ev.Verdicts)
	}

	// The remediation issue, filed once through the GitHub API.
	kubetest.Eventually(t, "remediation issue filed", func() (bool, string) {
		return len(rc.filed()) > 0, ""
	})
	issues := rc.filed()
	if len(issues) != 1 || !strings.Contains(issues[0].Title, "shop-v2") {
		t.Fatalf("issues filed: %+v", issues)
	}
	for _, want := range []string{"error-rate", "sha256:lock-shop-v2", "sha256:lock-shop-v1",
		imageV2[len(imageV2)-71:], imageV1[len(imageV1)-71:], "max 0.05"} {
		if !strings.Contains(issues[0].Body, want) {
			t.Errorf("remediation report lacks %q:\n%s", want, issues[0].Body)
		}
	}
	if n := r.waitEventCount(rel.Name, "RemediationFiled"); n != 1 {
		t.Errorf("%d RemediationFiled events on the release, want 1", n)
	}
}

// TestGoodReleasePromotedByPrometheus is the twin: 0 % errors on both
// revisions; the analysis passes its rounds on real Prometheus answers
// and the release is promoted, notified with both builds, with no issue.
func TestGoodReleasePromotedByPrometheus(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4)
	p := r.startPrometheus(map[string]promtest.Traffic{"shop-v1": load(0), "shop-v2": load(0)})
	rc := newReceiver(t)
	r.startController(controller.Options{Metrics: p.provider, Notifier: rc.notifier(), Tracker: rc.tracker()})
	before := r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, analysisStrategy(2))
	w := r.watch(rel.Name)
	r.create(rel)
	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s, want Promoted: %s", got.Status.Phase, got.Status.Message)
	}
	st, _, err := got.Status.EngineStatus()
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
			if v.Outcome != analysis.Pass || v.Evidence.Value == nil || !near(*v.Evidence.Value, 0) ||
				v.Evidence.Samples < 3 || !strings.Contains(v.Evidence.Query, `revision="shop-v2"`) {
				t.Errorf("round verdict %+v: want pass on ≥3 Prometheus samples ≈0 of shop-v2", v)
			}
		}
	}
	if rounds < 2 || !hasDecision(got, "advance", "analysis passed after 2 rounds") {
		t.Errorf("analysis did not pass in 2 measured rounds: %+v", got.Status.Decisions)
	}
	if n := decisions(got, "promote"); n != 1 {
		t.Errorf("%d promote decisions, want 1", n)
	}
	r.waitRolledOut("shop")
	stable := r.deployment("shop")
	if stable.Spec.Template.Spec.Containers[0].Image != imageV2 || stable.Generation != before.Generation+1 {
		t.Errorf("stable: image %s, generation %d -> %d; want %s after exactly one update",
			stable.Spec.Template.Spec.Containers[0].Image, before.Generation, stable.Generation, imageV2)
	}
	kubetest.Eventually(t, "promoted webhook", func() (bool, string) {
		return len(rc.received(notify.RolloutPromoted, "shop-v2")) == 1, strings.Join(rc.eventTypes(), " ")
	})
	ev := rc.received(notify.RolloutPromoted, "shop-v2")[0]
	if ev.Release.Build.LockHash != "sha256:lock-shop-v2" || ev.Stable == nil || ev.Stable.Build.LockHash != "sha256:lock-shop-v1" {
		t.Errorf("promoted event builds: release %+v stable %+v", ev.Release.Build, ev.Stable)
	}
	if len(rc.received(notify.RolloutRolledBack, "shop-v2")) != 0 || len(rc.filed()) != 0 {
		t.Errorf("a good release was reported rolled back: events %v, issues %d", rc.eventTypes(), len(rc.filed()))
	}
}

// lastDecision is the reason of the Release's newest decision with action.
func lastDecision(rel *v1alpha1.Release, action string) string {
	for i := len(rel.Status.Decisions) - 1; i >= 0; i-- {
		if rel.Status.Decisions[i].Action == action {
			return rel.Status.Decisions[i].Reason
		}
	}
	return ""
}

func hasDecision(rel *v1alpha1.Release, action, reason string) bool {
	for _, d := range rel.Status.Decisions {
		if d.Action == action && strings.Contains(d.Reason, reason) {
			return true
		}
	}
	return false
}

// failedVerdict is check's Fail verdict in the engine's decision log.
func failedVerdict(t *testing.T, rel *v1alpha1.Release, check string) analysis.Verdict {
	t.Helper()
	st, _, err := rel.Status.EngineStatus()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range st.Decisions {
		for _, v := range d.Verdicts {
			if v.Check == check && v.Outcome == analysis.Fail {
				return v
			}
		}
	}
	t.Fatalf("no failing %s verdict in %+v", check, st.Decisions)
	return analysis.Verdict{}
}
