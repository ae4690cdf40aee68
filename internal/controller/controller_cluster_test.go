package controller

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// A good release goes through every step on the real control plane —
// canary Deployment sized from each weight, pods Running via KWOK — and
// ends promoted: the stable Deployment runs the new image with its build
// metadata on every pod, the canary is at zero, and `kubectl rollout
// status` agrees.
func TestClusterGoodReleasePromoted(t *testing.T) {
	e := clusterEnv(t, 4)
	startController(t, e, Options{})
	rel := newRelease(e.Namespace, "shop-v2", imageB, weight(25), pause(time.Second), weight(50), pause(time.Second))
	rec := watchRelease(t, e, rel.Name)
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	got := waitPhase(t, e, rel.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	statuses, weights, canary := rec.snapshot()
	t.Logf("statuses seen: %v", statuses)
	for _, d := range got.Status.Decisions {
		t.Logf("%s step %d %s %s: %s", d.Time.Format("15:04:05"), d.Step, d.Phase, d.Action, d.Reason)
	}
	for _, w := range []int32{25, 50} {
		if !weights[w] {
			t.Errorf("weight %d never showed in status (saw %v)", w, weights)
		}
	}
	// ceil(4·25%) = 1 and ceil(4·50%) = 2 canary pods, Ready through KWOK.
	for _, n := range []int32{1, 2} {
		if !canary[n] {
			t.Errorf("canary never had %d ready replicas (saw %v)", n, canary)
		}
	}
	if got.Status.StableRelease != "shop-initial" || got.Status.CanaryRelease != "shop-v2" {
		t.Errorf("releases %q -> %q", got.Status.StableRelease, got.Status.CanaryRelease)
	}
	stable := deployment(t, e, "shop")
	if img := stable.Spec.Template.Spec.Containers[0].Image; img != imageB {
		t.Errorf("stable runs %s, want %s", img, imageB)
	}
	if su := stable.Spec.Strategy.RollingUpdate; su == nil || su.MaxUnavailable == nil || su.MaxUnavailable.IntValue() != 0 {
		t.Errorf("stable strategy %+v, want maxUnavailable 0", stable.Spec.Strategy)
	}
	kubetest.Eventually(t, "canary at zero", func() (bool, string) {
		c := deployment(t, e, "shop-canary")
		return ptr.Deref(c.Spec.Replicas, 1) == 0 && c.Status.Replicas == 0, ""
	})
	var pods corev1.PodList
	if err := e.Client.List(context.Background(), &pods, client.InNamespace(e.Namespace), client.MatchingLabels{"app": "shop"}); err != nil {
		t.Fatal(err)
	}
	running := 0
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		running++
		if p.Annotations[kube.AnnotationRelease] != "shop-v2" || p.Annotations["dev.pinwheel.lock-hash"] != "sha256:lock-shop-v2" ||
			p.Annotations["dev.pinwheel.ci-run-id"] != "run-shop-v2" {
			t.Errorf("pod %s annotations %v", p.Name, p.Annotations)
		}
	}
	if running != 4 {
		t.Errorf("%d pods, want 4", running)
	}
	out, err := exec.Command(kubetest.Kubectl(t), "--kubeconfig", e.Kubeconfig, "-n", e.Namespace,
		"rollout", "status", "deployment/shop", "--timeout=60s").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "successfully rolled out") {
		t.Errorf("kubectl rollout status: %v\n%s", err, out)
	}
	reasons := map[string]int{}
	for _, ev := range events(t, e, rel.Name) {
		reasons[ev.Reason] += int(max(ev.Count, 1))
	}
	for _, want := range []string{"Started", kube.ReasonCanaryCreated, kube.ReasonWeightChanged, kube.ReasonStableUpdated, "Promote"} {
		if reasons[want] == 0 {
			t.Errorf("no %s event (got %v)", want, reasons)
		}
	}
	if !slices.ContainsFunc(got.Status.Conditions, func(c metav1.Condition) bool {
		return c.Type == v1alpha1.ConditionPromoted && c.Status == "True"
	}) {
		t.Errorf("conditions %+v", got.Status.Conditions)
	}
	kubetest.Eventually(t, "finalizer removed from the finished release", func() (bool, string) {
		f := getRelease(t, e, rel.Name).Finalizers
		return len(f) == 0, fmt.Sprint(f)
	})
}
