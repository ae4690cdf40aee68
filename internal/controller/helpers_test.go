package controller

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestMain(m *testing.M) { kubetest.Main(m) }

const (
	imageA = "registry.invalid/shop@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	imageB = "registry.invalid/shop@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	imageC = "registry.invalid/shop@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
)

// clusterEnv is a namespace with the Release CRD and a stable Deployment
// "shop" of imageA (with one environment variable of its own).
func clusterEnv(t *testing.T, replicas int32) *kubetest.Env {
	t.Helper()
	e := kubetest.NewEnv(t)
	e.InstallReleaseCRD(t)
	d := kubetest.Deployment(e.Namespace, "shop", imageA, replicas)
	d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}}
	e.CreateDeployment(t, d)
	return e
}

func deployment(t testing.TB, e *kubetest.Env, name string) *appsv1.Deployment {
	t.Helper()
	return e.GetDeployment(t, name)
}

// newRelease is a Release of image for the shop Deployment.
func newRelease(ns, name, image string, steps ...v1alpha1.Step) *v1alpha1.Release {
	return &v1alpha1.Release{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ReleaseSpec{
			Service: "shop", Image: image,
			BuildInfo: v1alpha1.BuildInfo{Service: "shop", Version: name, LockHash: "sha256:lock-" + name,
				ImageDigest: image[len(image)-71:], GitCommit: "c0ffee-" + name, CIRunID: "run-" + name},
			Strategy: v1alpha1.Strategy{Steps: steps, ProgressDeadline: &metav1.Duration{Duration: 2 * time.Minute},
				ScaleDownDelay: &metav1.Duration{Duration: time.Second}},
		},
	}
}

func weight(w int32) v1alpha1.Step { return v1alpha1.Step{SetWeight: ptr.To(w)} }

func pause(d time.Duration) v1alpha1.Step {
	return v1alpha1.Step{Pause: &v1alpha1.PauseStep{Duration: &metav1.Duration{Duration: d}}}
}

// startController runs the controller for e's namespace until the test
// ends (or stop is called) and returns stop.
func startController(t *testing.T, e *kubetest.Env, o Options) (stop func()) {
	t.Helper()
	o.Namespace = e.Namespace
	if o.Log == nil && os.Getenv("PINWHEEL_TEST_LOG") != "" {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, e.Config, o) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("controller: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func getRelease(t testing.TB, e *kubetest.Env, name string) *v1alpha1.Release {
	t.Helper()
	var r v1alpha1.Release
	if err := e.Client.Get(context.Background(), client.ObjectKey{Namespace: e.Namespace, Name: name}, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// waitPhase waits until the Release reaches one of phases and returns it.
func waitPhase(t testing.TB, e *kubetest.Env, name string, phases ...rollout.Phase) *v1alpha1.Release {
	t.Helper()
	var rel *v1alpha1.Release
	kubetest.Eventually(t, fmt.Sprintf("release %s in %v", name, phases), func() (bool, string) {
		rel = getRelease(t, e, name)
		for _, p := range phases {
			if rel.Status.Phase == string(p) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("phase %s step %d: %s", rel.Status.Phase, rel.Status.Step, rel.Status.Message)
	})
	return rel
}

// recorder watches a Release and the canary Deployment and records what
// the API showed: (phase, step, weight) and the canary's replicas.
type recorder struct {
	mu       sync.Mutex
	statuses []string
	weights  map[int32]bool
	canary   map[int32]bool
}

func watchRelease(t *testing.T, e *kubetest.Env, name string) *recorder {
	rec := &recorder{weights: map[int32]bool{}, canary: map[int32]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			var rel v1alpha1.Release
			var c appsv1.Deployment
			relErr := e.Client.Get(ctx, client.ObjectKey{Namespace: e.Namespace, Name: name}, &rel)
			canErr := e.Client.Get(ctx, client.ObjectKey{Namespace: e.Namespace, Name: "shop-canary"}, &c)
			rec.mu.Lock()
			if relErr == nil {
				s := fmt.Sprintf("%s/%d/%d", rel.Status.Phase, rel.Status.Step, rel.Status.CanaryWeight)
				if n := len(rec.statuses); n == 0 || rec.statuses[n-1] != s {
					rec.statuses = append(rec.statuses, s)
				}
				rec.weights[rel.Status.CanaryWeight] = true
			}
			if canErr == nil {
				rec.canary[c.Status.ReadyReplicas] = true
			}
			rec.mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return rec
}

func (r *recorder) snapshot() (statuses []string, weights, canary map[int32]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.statuses...), r.weights, r.canary
}

// events returns the reasons of the Events recorded about the Release.
func events(t testing.TB, e *kubetest.Env, name string) []corev1.Event {
	t.Helper()
	var list corev1.EventList
	if err := e.Client.List(context.Background(), &list, client.InNamespace(e.Namespace)); err != nil {
		t.Fatal(err)
	}
	var out []corev1.Event
	for _, ev := range list.Items {
		if ev.InvolvedObject.Kind == "Release" && ev.InvolvedObject.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

func objMeta(e *kubetest.Env, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: e.Namespace, Name: name}
}
