package kubee2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/promtest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestControllerBinaryConfigRollsBackBadRelease runs `pinwheel controller
// --config` with the runtime.metrics (Prometheus) and notify (signed
// webhook, GitHub tracker with its token from the environment) sections of
// a controller config file: the bad release is measured on the real
// Prometheus in its own namespace, rolled back, notified and reported.
// `pinwheel controller` measures at a fixed 5 s resolution (below), so the
// analysis waits 11 s before its first round to have 3 samples.
func TestControllerBinaryConfigRollsBackBadRelease(t *testing.T) {
	t.Parallel()
	s := analysisStrategy(2)
	s.Analysis.Warmup = &metav1.Duration{Duration: 11 * time.Second}
	s.Analysis.Interval = &metav1.Duration{Duration: 5 * time.Second}
	configRollback(t, s)
}

// TestControllerBinarySampleStepFollowsStrategy: the same bad release with
// analysis every 2 s after a 3 s warmup — which the in-process controller
// of `pinwheel deploy --target kube` judges on samples every interval/5
// (deploy.SampleStep) — must fail on its error rate under `pinwheel
// controller` too.
//
// It once failed: `pinwheel controller` measured every Release at a fixed
// 5 s step, so a round with a 2 s interval had 1–2 samples, every verdict
// was Inconclusive and the release was rolled back for the wrong reason.
// The step now follows each Release's interval (rollout.Spec.SampleStep).
func TestControllerBinarySampleStepFollowsStrategy(t *testing.T) {
	t.Parallel()
	configRollback(t, analysisStrategy(2))
}

// configRollback rolls a bad release out under `pinwheel controller
// --config` with strategy s and checks its rollback, webhook and issue.
func configRollback(t *testing.T, s v1alpha1.Strategy) {
	r := newRig(t, 2)
	p := r.startPrometheus(map[string]promtest.Traffic{"shop-v1": load(0), "shop-v2": load(0.2)})
	rc := newReceiver(t)
	cfg := filepath.Join(t.TempDir(), "controller.yaml")
	doc := fmt.Sprintf(`runtime:
  metrics:
    provider: prometheus
    url: %s
notify:
  webhooks:
    - url: %s/hook
      secretEnv: E2E_WEBHOOK_SECRET
  github:
    repo: acme/shop
    baseURL: %s/api/v3
    tokenEnv: E2E_GITHUB_TOKEN
`, p.srv.URL, rc.srv.URL, rc.srv.URL)
	if err := os.WriteFile(cfg, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r.startControllerProcessEnv([]string{"E2E_WEBHOOK_SECRET=" + string(rc.secret), "E2E_GITHUB_TOKEN=" + ghToken},
		"ctl-config", "pinwheel-e2e", e2eLease, "--config", cfg)
	r.promoteV1()

	rel := newRelease(r.Namespace, "shop-v2", imageV2, s)
	w := r.watch(rel.Name)
	r.create(rel)
	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.RolledBack) || w.sawPhase(rollout.Promoting) {
		t.Fatalf("phase %s (seen %v), want RolledBack: %s", got.Status.Phase, w.history(), got.Status.Message)
	}
	if v := failedVerdict(t, got, "error-rate"); v.Evidence.Value == nil || !near(*v.Evidence.Value, 0.2) ||
		!strings.Contains(v.Evidence.Query, `namespace="`+r.Namespace+`"`) {
		t.Errorf("failing verdict %+v: want ≈0.2 measured in namespace %s", v, r.Namespace)
	}
	kubetest.Eventually(t, "rolled-back webhook and remediation issue", func() (bool, string) {
		return len(rc.received(notify.RolloutRolledBack, "shop-v2")) == 1 && len(rc.filed()) == 1,
			fmt.Sprintf("events %v, %d issues", rc.eventTypes(), len(rc.filed()))
	})
	ev := rc.received(notify.RolloutRolledBack, "shop-v2")[0]
	if ev.Release.Build.LockHash != "sha256:lock-shop-v2" || ev.Stable == nil || ev.Stable.Build.LockHash != "sha256:lock-shop-v1" {
		t.Errorf("rolled-back event builds: release %+v stable %+v", ev.Release.Build, ev.Stable)
	}
	is := rc.filed()[0]
	if !strings.Contains(is.Body, "error-rate") || !strings.Contains(is.Body, "sha256:lock-shop-v2") ||
		strings.Join(is.Labels, ",") != "pinwheel,rollback" {
		t.Errorf("remediation issue labels %v, body:\n%s", is.Labels, is.Body)
	}
}
