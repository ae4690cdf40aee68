package controller

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// KWOK pods run nothing and have no reachable IP: HTTP probes go to a local
// server standing in for the canary pod (Options.PodURL), and the smoke
// Job's pod completes as KWOK completes Job pods. What is real is the Job
// the API server got (same image digest, the command) and the order: no
// traffic reaches the canary before the smoke test passed.
func TestClusterSmokeBeforeTraffic(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		wantPhase  rollout.Phase
		wantJob    bool
		wantReason string
	}{
		{"passes", http.StatusOK, rollout.Promoted, true, ""},
		{"probe_fails", http.StatusServiceUnavailable, rollout.RolledBack, false, "/healthz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := clusterEnv(t, 2)
			var hits atomic.Int32
			pod := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.WriteHeader(tc.status)
			}))
			defer pod.Close()
			startController(t, e, Options{SmokePoll: 200 * time.Millisecond,
				PodURL: func(*corev1.Pod, int32) string { return pod.URL }})
			rel := newRelease(e.Namespace, "shop-v2", imageB, weight(50), weight(100))
			rel.Spec.Smoke = &v1alpha1.SmokeStep{Command: []string{"python", "-m", "pytest", "tests/smoke"},
				HTTP: []v1alpha1.HTTPProbe{{Path: "/healthz"}}, Timeout: &metav1.Duration{Duration: 30 * time.Second}}
			rec := watchRelease(t, e, rel.Name)
			if err := e.Client.Create(context.Background(), rel); err != nil {
				t.Fatal(err)
			}
			got := waitPhase(t, e, rel.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted)
			if got.Status.Phase != string(tc.wantPhase) {
				t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
			}
			if hits.Load() == 0 {
				t.Error("the HTTP probe never reached the canary")
			}
			statuses, _, _ := rec.snapshot()
			smoking := false
			for _, s := range statuses {
				smoking = smoking || strings.HasPrefix(s, "Smoking/")
				// Any status at the smoke step (0) must show weight 0.
				if strings.HasPrefix(s, "Smoking/") && !strings.HasSuffix(s, "/0") {
					t.Errorf("traffic during the smoke test: %s (all: %v)", s, statuses)
				}
			}
			if tc.wantJob && !smoking { // a failing probe may end the step between two looks
				t.Errorf("never saw phase Smoking: %v", statuses)
			}
			var jobs batchv1.JobList
			if err := e.Client.List(context.Background(), &jobs, client.InNamespace(e.Namespace)); err != nil {
				t.Fatal(err)
			}
			if !tc.wantJob {
				if len(jobs.Items) != 0 {
					t.Errorf("a smoke Job ran although the probe failed first: %d jobs", len(jobs.Items))
				}
				if !strings.Contains(got.Status.Message+decisionsText(got), tc.wantReason) {
					t.Errorf("rollback reason does not name the probe %s: %s", tc.wantReason, decisionsText(got))
				}
				return
			}
			if len(jobs.Items) != 1 {
				t.Fatalf("%d smoke jobs, want 1", len(jobs.Items))
			}
			c := jobs.Items[0].Spec.Template.Spec.Containers[0]
			if c.Image != imageB || strings.Join(c.Command, " ")+strings.Join(c.Args, " ") == "" ||
				!strings.Contains(strings.Join(append(c.Command, c.Args...), " "), "pytest tests/smoke") {
				t.Errorf("smoke job container %s %v %v, want image %s running pytest", c.Image, c.Command, c.Args, imageB)
			}
		})
	}
}

func decisionsText(r *v1alpha1.Release) string {
	var b strings.Builder
	for _, d := range r.Status.Decisions {
		b.WriteString(d.Reason + "\n")
	}
	return b.String()
}
