package controller

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Two controllers share one Lease: only the holder reconciles. When it
// stops mid-rollout the other takes the lease and finishes the Release
// from its persisted status — one promotion, no step repeated.
func TestClusterLeaderHandover(t *testing.T) {
	e := clusterEnv(t, 2)
	// A lease long enough that a loaded machine never starves a renewal
	// (with 2 s, the soak saw b take over while a still ran); the handover
	// is quick all the same, since a stopping controller releases it.
	lease := Options{LeaderElection: true, LeaseNamespace: e.Namespace, LeaseName: "pinwheel-controller",
		LeaseDuration: 10 * time.Second}
	if _, held, err := LeaseHolder(context.Background(), e.Config, e.Namespace, lease.LeaseName); err != nil || held {
		t.Fatalf("before any controller: held=%v err=%v", held, err)
	}
	a, b := lease, lease
	a.Identity, b.Identity = "controller-a", "controller-b"
	stopA := startController(t, e, a)
	kubetest.Eventually(t, "a holds the lease", func() (bool, string) {
		h, held, err := LeaseHolder(context.Background(), e.Config, e.Namespace, lease.LeaseName)
		return err == nil && held && h == "controller-a", fmt.Sprint(h, held, err)
	})
	startController(t, e, b)
	rel := newRelease(e.Namespace, "shop-v2", imageB, weight(50), pause(4*time.Second), weight(100))
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, e, rel.Name, rollout.Paused)
	if h, _, _ := LeaseHolder(context.Background(), e.Config, e.Namespace, lease.LeaseName); h != "controller-a" {
		t.Fatalf("holder %q while a runs", h)
	}
	stopA() // releases the lease on the way out
	got := waitPhase(t, e, rel.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	if h, held, _ := LeaseHolder(context.Background(), e.Config, e.Namespace, lease.LeaseName); h != "controller-b" || !held {
		t.Errorf("holder %q held=%v after a stopped, want controller-b", h, held)
	}
	counts, promotes := map[string]int{}, 0
	for _, d := range got.Status.Decisions {
		counts[fmt.Sprintf("%d/%s", d.Step, d.Action)]++
		if d.Action == "promote" {
			promotes++
		}
	}
	for k, n := range counts {
		if n > 1 {
			t.Errorf("decision %s logged %d times: a step was repeated after the handover (%v)", k, n, counts)
		}
	}
	if promotes != 1 {
		t.Errorf("promote decisions: %d, want exactly 1 (%v)", promotes, counts)
	}
	stableUpdates := 0
	for _, ev := range events(t, e, rel.Name) {
		if ev.Reason == "StableUpdated" && ev.Type == corev1.EventTypeNormal && containsRelease(ev.Message, "shop-v2") {
			stableUpdates += int(max(ev.Count, 1))
		}
	}
	if stableUpdates != 1 {
		t.Errorf("%d StableUpdated events for shop-v2, want 1", stableUpdates)
	}
}

func containsRelease(msg, id string) bool { return strings.Contains(msg, "runs release "+id+" ") }
