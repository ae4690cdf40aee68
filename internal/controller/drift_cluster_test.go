package controller

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// The controller's drift check notifies a Deployment scaled by hand once,
// however many rounds see it; once pinwheel applies the release again the
// finding is gone, and a new hand change is notified again.
func TestDriftCheckNotifiesEachFindingOnce(t *testing.T) {
	e := kubetest.NewEnv(t)
	ctx := context.Background()
	const image = "registry.invalid/shop@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	e.InstallReleaseCRD(t) // with the CRD, images no Release has are findings too: this one has its Release
	e.CreateDeployment(t, kubetest.Deployment(e.Namespace, "shop", "registry.invalid/shop:v0", 2))
	if err := e.Client.Create(ctx, &v1alpha1.Release{ObjectMeta: metav1.ObjectMeta{Name: "shop-1", Namespace: e.Namespace},
		Spec: v1alpha1.ReleaseSpec{Service: "shop", Image: image, BuildInfo: v1alpha1.BuildInfo{Service: "shop"},
			Strategy: v1alpha1.Strategy{Steps: []v1alpha1.Step{{SetWeight: new(int32(100))}}}}}); err != nil {
		t.Fatal(err)
	}
	tgt := kube.New(e.Client, e.Clientset, e.Namespace, kube.WithRecorder(e.Recorder))
	rel := runtime.Release{ID: "shop-1", Artifact: runtime.Artifact{Image: image}, BuildInfo: attest.BuildInfo{Service: "shop"}}
	apply := func() {
		kubetest.Eventually(t, "shop-1 stable", func() (bool, string) {
			if err := tgt.Apply(ctx, runtime.Desired{Service: "shop", Stable: &rel, Replicas: 2}); err != nil {
				return false, err.Error()
			}
			obs, err := tgt.Observe(ctx, "shop")
			return err == nil && obs.Converged, ""
		})
	}
	scale := func(n int32) {
		d := e.GetDeployment(t, "shop")
		d.Spec.Replicas = ptr.To(n)
		if err := e.Client.Update(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu     sync.Mutex
		events []notify.Event
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if notify.Verify([]byte("k"), r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), notify.DefaultTolerance) != nil {
			t.Error("unsigned drift notification")
		}
		var ev notify.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Error(err)
		}
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}))
	defer srv.Close()
	hook, err := notify.NewWebhook(srv.URL, notify.WithSecret([]byte("k")))
	if err != nil {
		t.Fatal(err)
	}
	d := newDriftCheck(e.Client, Options{Namespace: e.Namespace, DriftInterval: time.Minute, Notifier: hook}.withDefaults())

	apply()
	if n := d.round(ctx); n != 0 {
		t.Fatalf("%d notifications right after pinwheel's apply", n)
	}
	scale(4)
	if n := d.round(ctx) + d.round(ctx); n != 1 {
		t.Fatalf("two rounds over one hand scale sent %d notifications, want 1", n)
	}
	apply() // pinwheel sets 2 replicas again: nothing to report
	if n := d.round(ctx); n != 0 {
		t.Fatalf("%d notifications after pinwheel applied again", n)
	}
	scale(4)
	if n := d.round(ctx); n != 1 {
		t.Fatalf("the same hand change made again: %d notifications, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 {
		t.Fatalf("receiver got %d events, want 2", len(events))
	}
	ev := events[0]
	b, _ := json.MarshalIndent(ev, "", "  ")
	t.Logf("drift.detected:\n%s", b)
	if ev.Type != notify.DriftDetected || ev.Drift == nil || ev.Drift.Kind != "replicas-off-spec" || ev.Drift.Want != "2" || ev.Drift.Got != "4" ||
		ev.Drift.Object != "deployment "+e.Namespace+"/shop" || ev.Release.ID != "shop-1" || ev.Service != "shop" {
		t.Errorf("event %+v drift %+v", ev, ev.Drift)
	}
}
