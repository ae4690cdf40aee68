package kube

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// deployStable creates the service's own Deployment running v1 and waits
// for it to roll out.
func (e *env) deployStable(t testing.TB, replicas int32) *appsv1.Deployment {
	t.Helper()
	d := stableDeployment(e.ns, "shop", replicas)
	d.Spec.Template.Spec.Containers = d.Spec.Template.Spec.Containers[1:] // the app alone
	if err := e.c.Create(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e.waitRolledOut(t, "shop")
	return d
}

func (e *env) deployment(t testing.TB, name string) *appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	if err := e.c.Get(context.Background(), client.ObjectKey{Namespace: e.ns, Name: name}, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func (e *env) waitRolledOut(t testing.TB, name string) {
	t.Helper()
	eventually(t, name+" rolled out", func() (bool, string) {
		d := e.deployment(t, name)
		return rolledOut(d), fmt.Sprintf("%+v", d.Status)
	})
}

// converge applies d until the target reports it converged.
func (e *env) converge(t testing.TB, tgt *Target, d runtime.Desired) runtime.Observed {
	t.Helper()
	var obs runtime.Observed
	eventually(t, "converged", func() (bool, string) {
		if err := tgt.Apply(context.Background(), d); err != nil {
			return false, err.Error()
		}
		var err error
		obs, err = tgt.Observe(context.Background(), d.Service)
		if err != nil {
			return false, err.Error()
		}
		return obs.Converged, fmt.Sprintf("%+v", obs)
	})
	return obs
}

func (e *env) pods(t testing.TB, release string) []corev1.Pod {
	t.Helper()
	var pods corev1.PodList
	if err := e.c.List(context.Background(), &pods, client.InNamespace(e.ns), client.MatchingLabels{"app": "shop"}); err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range pods.Items {
		if p.Annotations[AnnotationRelease] == release && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func (e *env) eventReasons(t testing.TB) []string {
	t.Helper()
	var evs corev1.EventList
	if err := e.c.List(context.Background(), &evs, client.InNamespace(e.ns)); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs.Items {
		if ev.Source.Component == "pinwheel" {
			out = append(out, ev.Reason)
		}
	}
	return out
}

func (e *env) waitEvents(t testing.TB, reasons ...string) {
	t.Helper()
	eventually(t, fmt.Sprintf("events %v", reasons), func() (bool, string) {
		got := e.eventReasons(t)
		for _, r := range reasons {
			if !slices.Contains(got, r) {
				return false, fmt.Sprintf("have %v", got)
			}
		}
		return true, ""
	})
}

func TestClusterCanaryWeightsThenRollback(t *testing.T) {
	e := newEnv(t)
	stable := e.deployStable(t, 4)
	tgt := New(e.c, e.cs, e.ns, WithRecorder(e.rec))
	v1, v2 := release("v1", digestA, nil), release("v2", digestB, map[string]string{"FEATURE": "on"})

	for _, weight := range []int{20, 50} {
		d := runtime.Desired{Service: "shop", Stable: &v1, Canary: &v2, CanaryWeight: weight, Replicas: 4, CanaryReplicas: runtime.CanaryReplicas(4, weight)}
		obs := e.converge(t, tgt, d)
		want := runtime.CanaryReplicas(4, weight)
		if obs.Stable != "v1" || obs.Canary != "v2" || obs.CanaryWeight != weight ||
			obs.Releases["v2"].Ready != want || obs.Releases["v2"].Desired != want || obs.Releases["v1"].Ready != 4 {
			t.Fatalf("weight %d: observed %+v", weight, obs)
		}
		if got := len(e.pods(t, "v2")); got != want {
			t.Fatalf("weight %d: %d canary pods, want %d", weight, got, want)
		}
	}

	canary := e.deployment(t, "shop-canary")
	if len(canary.OwnerReferences) != 1 || canary.OwnerReferences[0].UID != e.deployment(t, "shop").UID {
		t.Fatalf("canary owner refs = %+v", canary.OwnerReferences)
	}
	if canary.Spec.Selector.MatchLabels["app"] != "shop" || canary.Spec.Selector.MatchLabels[LabelRevision] != "v2" {
		t.Fatalf("canary selector = %v", canary.Spec.Selector.MatchLabels)
	}
	for _, p := range e.pods(t, "v2") {
		if p.Spec.Containers[0].Image != digestB || p.Annotations[attest.KeyLockHash] != "sha256:1111" ||
			p.Annotations[attest.KeyGitCommit] != "0123456789abcdef" || p.Annotations[attest.KeyCIRunID] != "run-77" ||
			p.Annotations[attest.KeyImageDigest] != "sha256:"+digestB[len(digestB)-64:] || p.Status.Phase != corev1.PodRunning {
			t.Fatalf("canary pod %s: image %s phase %s annotations %v", p.Name, p.Spec.Containers[0].Image, p.Status.Phase, p.Annotations)
		}
	}

	// Rollback: the canary goes to zero in the same Apply; stable untouched.
	stableGen := e.deployment(t, "shop").Generation
	if err := tgt.Apply(context.Background(), runtime.Desired{Service: "shop", Stable: &v1, Replicas: 4}); err != nil {
		t.Fatal(err)
	}
	if r := ptr.Deref(e.deployment(t, "shop-canary").Spec.Replicas, -1); r != 0 {
		t.Fatalf("canary replicas right after rollback = %d, want 0", r)
	}
	obs := e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v1, Replicas: 4})
	if obs.Canary != "" || obs.CanaryWeight != 0 || obs.Releases["v2"].Desired != 0 || obs.Releases["v1"].Ready != 4 {
		t.Fatalf("after rollback: %+v", obs)
	}
	after := e.deployment(t, "shop")
	if after.Generation != stableGen || after.Spec.Template.Spec.Containers[0].Image != digestA {
		t.Fatalf("rollback touched stable: generation %d -> %d, image %s", stableGen, after.Generation, after.Spec.Template.Spec.Containers[0].Image)
	}
	eventually(t, "canary pods gone", func() (bool, string) {
		n := len(e.pods(t, "v2"))
		return n == 0, fmt.Sprintf("%d left", n)
	})
	_ = stable
	e.waitEvents(t, ReasonStableUpdated, ReasonCanaryCreated, ReasonCanaryScaled, ReasonWeightChanged, ReasonRolledBack)
}

func TestClusterPromotion(t *testing.T) {
	e := newEnv(t)
	e.deployStable(t, 3)
	tgt := New(e.c, e.cs, e.ns, WithRecorder(e.rec))
	v1, v2 := release("v1", digestA, nil), release("v2", digestB, map[string]string{"FEATURE": "on"})
	e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v1, Canary: &v2, CanaryWeight: 50, Replicas: 3, CanaryReplicas: 2})

	promoted := runtime.Desired{Service: "shop", Stable: &v2, Replicas: 3}
	if err := tgt.Apply(context.Background(), promoted); err != nil {
		t.Fatal(err)
	}
	stable := e.deployment(t, "shop")
	c := stable.Spec.Template.Spec.Containers[0]
	if c.Image != digestB || !slices.Contains(c.Env, corev1.EnvVar{Name: "FEATURE", Value: "on"}) ||
		stable.Spec.Template.Annotations[AnnotationRelease] != "v2" || stable.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue() != 0 {
		t.Fatalf("stable after promotion: image %s env %v strategy %+v", c.Image, c.Env, stable.Spec.Strategy.RollingUpdate)
	}
	obs := e.converge(t, tgt, promoted)
	if obs.Stable != "v2" || obs.Canary != "" || obs.Releases["v2"].Ready != 3 || obs.Releases["v1"].Desired != 0 {
		t.Fatalf("after promotion: %+v", obs)
	}
	if r := ptr.Deref(e.deployment(t, "shop-canary").Spec.Replicas, -1); r != 0 {
		t.Fatalf("canary replicas after promotion rolled out = %d", r)
	}
	if n := len(e.pods(t, "v2")); n != 3 {
		t.Fatalf("%d pods run v2 after promotion, want 3", n)
	}
	// The old ReplicaSet is kept (for kubectl rollout undo) but empty.
	var sets appsv1.ReplicaSetList
	if err := e.c.List(context.Background(), &sets, client.InNamespace(e.ns), client.MatchingLabels{"app": "shop"}); err != nil {
		t.Fatal(err)
	}
	for _, rs := range sets.Items {
		if rs.Spec.Template.Annotations[AnnotationRelease] == "v1" && ptr.Deref(rs.Spec.Replicas, -1) != 0 {
			t.Fatalf("v1 replicaset %s still has %d replicas", rs.Name, *rs.Spec.Replicas)
		}
	}
	e.waitEvents(t, ReasonStableUpdated, ReasonCanaryRetired)

	// kubectl agrees the stable Deployment finished rolling out.
	out, err := exec.Command(kubetest.Kubectl(t), "--kubeconfig", e.Kubeconfig, "-n", e.ns,
		"rollout", "status", "deployment/shop", "--timeout=2m").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "successfully rolled out") {
		t.Fatalf("kubectl rollout status: %v\n%s", err, out)
	}
}
