package kube

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// KWOK runs no containers: a smoke Job's pod completes as soon as it
// runs. What is real is the Job the API server got (image, command,
// environment, owner) and how Smoke reads its outcome. Pods have no real
// IPs, so HTTP probes go to a local server standing in for the canary pod.
func TestClusterSmoke(t *testing.T) {
	e := newEnv(t)
	e.deployStable(t, 2)
	var hits []string
	pod := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits = append(hits, r.URL.Path)
		if r.URL.Path == "/broken" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer pod.Close()
	tgt := New(e.c, e.cs, e.ns, WithRecorder(e.rec), WithPollInterval(200*time.Millisecond),
		WithPodURL(func(*corev1.Pod, int32) string { return pod.URL }))
	v1, v2 := release("v1", digestA, nil), release("v2", digestB, map[string]string{"FEATURE": "on"})
	e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v1, Canary: &v2, Replicas: 2, CanaryReplicas: 1})

	// A failing probe fails the smoke test before any Job runs.
	bad := rollout.SmokeStep{Command: []string{"python", "-m", "pytest", "tests/smoke"}, HTTP: []rollout.HTTPProbe{{Path: "/broken"}}, Timeout: rollout.Duration(time.Minute)}
	res, err := tgt.Smoke(context.Background(), "shop", "v2", bad)
	if err != nil || res.Passed || !strings.Contains(res.Reason, "answered 503") {
		t.Fatalf("smoke with a failing probe = %+v, %v", res, err)
	}
	if jobs := e.jobs(t); len(jobs) != 0 {
		t.Fatalf("a job ran although a probe failed: %v", jobs[0].Name)
	}

	good := rollout.SmokeStep{Command: []string{"python", "-m", "pytest", "tests/smoke"}, HTTP: []rollout.HTTPProbe{{Path: "/healthz"}}, Timeout: rollout.Duration(time.Minute)}
	for range 2 { // the second call finds the finished Job and runs nothing new
		res, err = tgt.Smoke(context.Background(), "shop", "v2", good)
		if err != nil || !res.Passed {
			t.Fatalf("smoke = %+v, %v", res, err)
		}
	}
	jobs := e.jobs(t)
	if len(jobs) != 1 {
		t.Fatalf("%d smoke jobs, want 1", len(jobs))
	}
	j := jobs[0]
	c := j.Spec.Template.Spec.Containers[0]
	if c.Image != digestB || !slices.Equal(c.Command, good.Command) ||
		!slices.Contains(c.Env, corev1.EnvVar{Name: "CANARY_URL", Value: pod.URL}) ||
		!slices.Contains(c.Env, corev1.EnvVar{Name: "FEATURE", Value: "on"}) {
		t.Fatalf("smoke job container = %+v", c)
	}
	if len(j.OwnerReferences) != 1 || j.OwnerReferences[0].Name != "shop-canary" {
		t.Fatalf("smoke job owners = %+v", j.OwnerReferences)
	}
	if !slices.Equal(hits, []string{"/broken", "/healthz", "/healthz"}) {
		t.Fatalf("probes = %v", hits)
	}
	e.waitEvents(t, ReasonSmokeStarted, ReasonSmokePassed, ReasonSmokeFailed)

	if _, err := tgt.Smoke(context.Background(), "shop", "v9", good); err == nil || !strings.Contains(err.Error(), "no deployment runs release v9") {
		t.Fatalf("smoke of an unknown release: %v", err)
	}
}

func (e *env) jobs(t testing.TB) []batchv1.Job {
	t.Helper()
	var jobs batchv1.JobList
	if err := e.c.List(context.Background(), &jobs, client.InNamespace(e.ns)); err != nil {
		t.Fatal(err)
	}
	return jobs.Items
}
