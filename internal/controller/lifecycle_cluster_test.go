package controller

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// setCommand sets the command annotation the CLI sets.
func setCommand(t *testing.T, e *kubetest.Env, name string, cmd rollout.Command) {
	t.Helper()
	v, err := v1alpha1.CommandAnnotation(cmd, fmt.Sprint(time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	patch := client.RawPatch("application/merge-patch+json",
		[]byte(fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, v1alpha1.AnnotationCommand, v)))
	if err := e.Client.Patch(context.Background(), &v1alpha1.Release{ObjectMeta: objMeta(e, name)}, patch); err != nil {
		t.Fatal(err)
	}
}

// A pause without a duration holds the rollout until a person resumes it;
// promote skips the remaining steps. Both arrive as annotations.
func TestClusterCommands(t *testing.T) {
	e := clusterEnv(t, 2)
	startController(t, e, Options{})
	hold := v1alpha1.Step{Pause: &v1alpha1.PauseStep{}}
	rel := newRelease(e.Namespace, "shop-v2", imageB, weight(50), hold, weight(75), hold, weight(90))
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	kubetest.Eventually(t, "paused at step 1", func() (bool, string) {
		r := getRelease(t, e, rel.Name)
		return r.Status.Phase == string(rollout.Paused) && r.Status.Step == 1, r.Status.Phase + " " + r.Status.Message
	})
	setCommand(t, e, rel.Name, rollout.Command{Kind: rollout.CommandResume, Step: 1, By: "test"})
	kubetest.Eventually(t, "paused at step 3", func() (bool, string) {
		r := getRelease(t, e, rel.Name)
		return r.Status.Phase == string(rollout.Paused) && r.Status.Step == 3, r.Status.Phase + " " + r.Status.Message
	})
	if w := getRelease(t, e, rel.Name).Status.CanaryWeight; w != 75 {
		t.Errorf("weight %d at step 3, want 75", w)
	}
	setCommand(t, e, rel.Name, rollout.Command{Kind: rollout.CommandPromote, By: "test", Reason: "ship it"})
	got := waitPhase(t, e, rel.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	for _, d := range got.Status.Decisions {
		if d.Step == 4 && d.Action == "set-weight" {
			t.Errorf("step 4 (weight 90) ran after promote: %+v", d)
		}
	}
	if img := deployment(t, e, "shop").Spec.Template.Spec.Containers[0].Image; img != imageB {
		t.Errorf("stable runs %s after promote", img)
	}
}

// An abort sends every request back to stable and scales the canary to
// zero; the stable Deployment is not touched.
func TestClusterAbort(t *testing.T) {
	e := clusterEnv(t, 2)
	before := deployment(t, e, "shop")
	startController(t, e, Options{})
	rel := newRelease(e.Namespace, "shop-v2", imageB, weight(50), v1alpha1.Step{Pause: &v1alpha1.PauseStep{}}, weight(100))
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, e, rel.Name, rollout.Paused)
	if n := ptr.Deref(deployment(t, e, "shop-canary").Spec.Replicas, 0); n != 1 {
		t.Fatalf("canary replicas %d at weight 50 of 2", n)
	}
	setCommand(t, e, rel.Name, rollout.Command{Kind: rollout.CommandAbort, By: "test", Reason: "wrong build"})
	got := waitPhase(t, e, rel.Name, rollout.Aborted, rollout.RolledBack, rollout.Promoted, rollout.Failed)
	if got.Status.Phase != string(rollout.Aborted) {
		t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	if n := ptr.Deref(deployment(t, e, "shop-canary").Spec.Replicas, 1); n != 0 {
		t.Errorf("canary replicas %d after abort", n)
	}
	after := deployment(t, e, "shop")
	if after.Spec.Template.Spec.Containers[0].Image != imageA {
		t.Errorf("stable image changed to %s", after.Spec.Template.Spec.Containers[0].Image)
	}
	// The first Apply adopts the Deployment (annotations: one roll); an
	// abort adds nothing after that.
	if after.Generation > before.Generation+1 {
		t.Errorf("stable generation %d -> %d: touched more than once", before.Generation, after.Generation)
	}
}

// Releases of one Deployment take turns: the second waits, Pending, until
// the first ends, then rolls out beside what the first promoted.
func TestClusterReleasesTakeTurns(t *testing.T) {
	e := clusterEnv(t, 2)
	startController(t, e, Options{})
	first := newRelease(e.Namespace, "shop-v2", imageB, weight(50), pause(3*time.Second))
	if err := e.Client.Create(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, e, first.Name, rollout.Progressing, rollout.Paused)
	second := newRelease(e.Namespace, "shop-v3", imageC, weight(50))
	if err := e.Client.Create(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	kubetest.Eventually(t, "second queued", func() (bool, string) {
		r := getRelease(t, e, second.Name)
		return r.Status.Phase == string(rollout.Pending) && strings.Contains(r.Status.Message, "waiting for release shop-v2"), r.Status.Message
	})
	if p := getRelease(t, e, first.Name).Status.Phase; rollout.Phase(p).IsTerminal() {
		t.Fatalf("first already %s while second was queued: the test proves nothing", p)
	}
	got1 := waitPhase(t, e, first.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed)
	got2 := waitPhase(t, e, second.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed)
	if got1.Status.Phase != string(rollout.Promoted) || got2.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phases %s, %s: %s", got1.Status.Phase, got2.Status.Phase, got2.Status.Message)
	}
	if got2.Status.StableRelease != "shop-v2" {
		t.Errorf("second rolled out beside %q, want shop-v2", got2.Status.StableRelease)
	}
	if img := deployment(t, e, "shop").Spec.Template.Spec.Containers[0].Image; img != imageC {
		t.Errorf("stable runs %s, want the second release's %s", img, imageC)
	}
}

// A Release deleted mid-rollout takes its canary down first (finalizer).
func TestClusterDeleteMidRollout(t *testing.T) {
	e := clusterEnv(t, 2)
	startController(t, e, Options{})
	rel := newRelease(e.Namespace, "shop-v2", imageB, weight(50), v1alpha1.Step{Pause: &v1alpha1.PauseStep{}})
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, e, rel.Name, rollout.Paused)
	if got := getRelease(t, e, rel.Name); len(got.Finalizers) != 1 || got.Finalizers[0] != Finalizer {
		t.Fatalf("finalizers %v mid-rollout", got.Finalizers)
	}
	if err := e.Client.Delete(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	kubetest.Eventually(t, "release gone", func() (bool, string) {
		var r v1alpha1.Release
		err := e.Client.Get(context.Background(), client.ObjectKeyFromObject(rel), &r)
		return client.IgnoreNotFound(err) == nil && err != nil, fmt.Sprint(err)
	})
	// The canary Deployment was owned by the Release: garbage collection
	// removes it, but only after the controller scaled it to zero.
	seen := false
	for _, ev := range events(t, e, rel.Name) {
		seen = seen || ev.Reason == "DeletedMidRollout"
	}
	if !seen {
		t.Error("no DeletedMidRollout event")
	}
	if img := deployment(t, e, "shop").Spec.Template.Spec.Containers[0].Image; img != imageA {
		t.Errorf("stable runs %s", img)
	}
}

// A Release that cannot start says why, at once.
func TestClusterReleaseWithoutDeploymentFails(t *testing.T) {
	e := clusterEnv(t, 1)
	startController(t, e, Options{})
	rel := newRelease(e.Namespace, "web-v1", imageB, weight(100))
	rel.Spec.Service, rel.Spec.Deployment = "web", "web-frontend"
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	got := waitPhase(t, e, rel.Name, rollout.Failed, rollout.Promoted)
	if got.Status.Phase != string(rollout.Failed) || !strings.Contains(got.Status.Message, "web-frontend not found") {
		t.Fatalf("phase %s: %q", got.Status.Phase, got.Status.Message)
	}
}
