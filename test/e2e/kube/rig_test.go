package kubee2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestMain(m *testing.M) {
	kubetest.Main(m, func() {
		if pinwheel.path != "" {
			os.RemoveAll(filepath.Dir(pinwheel.path))
		}
	})
}

// Images of the three builds the tests roll out (never pulled: KWOK runs
// no container).
const (
	imageV1 = "registry.invalid/shop@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	imageV2 = "registry.invalid/shop@sha256:2222222222222222222222222222222222222222222222222222222222222222"
	imageV3 = "registry.invalid/shop@sha256:3333333333333333333333333333333333333333333333333333333333333333"
)

// terminal are the phases a rollout ends in.
var terminal = []rollout.Phase{rollout.Promoted, rollout.RolledBack, rollout.Aborted, rollout.Failed}

// rig is one test's namespace: the Release CRD, a stable Deployment "shop"
// (app=shop) Ready through KWOK.
type rig struct {
	t *testing.T
	*kubetest.Env
}

func newRig(t *testing.T, replicas int32) *rig {
	t.Helper()
	r := &rig{t: t, Env: kubetest.NewEnv(t)}
	r.InstallReleaseCRD(t)
	r.CreateDeployment(t, kubetest.Deployment(r.Namespace, "shop", imageV1, replicas))
	return r
}

func (r *rig) create(o client.Object) {
	r.t.Helper()
	if err := r.Client.Create(context.Background(), o); err != nil {
		r.t.Fatalf("create %T %s: %v", o, o.GetName(), err)
	}
}

func (r *rig) deployment(name string) *appsv1.Deployment { return r.GetDeployment(r.t, name) }

func (r *rig) waitRolledOut(name string) { r.WaitRolledOut(r.t, name) }

func (r *rig) release(name string) *v1alpha1.Release {
	r.t.Helper()
	var rel v1alpha1.Release
	if err := r.Client.Get(context.Background(), client.ObjectKey{Namespace: r.Namespace, Name: name}, &rel); err != nil {
		r.t.Fatal(err)
	}
	return &rel
}

// waitPhase waits until the Release is in one of phases.
func (r *rig) waitPhase(name string, phases ...rollout.Phase) *v1alpha1.Release {
	r.t.Helper()
	var rel *v1alpha1.Release
	kubetest.Eventually(r.t, fmt.Sprintf("release %s in %v", name, phases), func() (bool, string) {
		rel = r.release(name)
		for _, p := range phases {
			if rel.Status.Phase == string(p) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("phase %s step %d weight %d: %s", rel.Status.Phase, rel.Status.Step, rel.Status.CanaryWeight, rel.Status.Message)
	})
	return rel
}

// waitPausedAt waits until the Release pauses at canary weight w.
func (r *rig) waitPausedAt(name string, w int32) {
	r.t.Helper()
	kubetest.Eventually(r.t, fmt.Sprintf("%s paused at weight %d", name, w), func() (bool, string) {
		got := r.release(name)
		return got.Status.Phase == string(rollout.Paused) && got.Status.CanaryWeight == w,
			got.Status.Phase + ": " + got.Status.Message
	})
}

// checkStableUpdatedOnce: once rolled out, the stable Deployment runs
// image and was updated exactly once since before (the promotion).
func (r *rig) checkStableUpdatedOnce(before *appsv1.Deployment, image string) {
	r.t.Helper()
	r.waitRolledOut("shop")
	stable := r.deployment("shop")
	if img := stable.Spec.Template.Spec.Containers[0].Image; img != image {
		r.t.Errorf("stable runs %s, want %s", img, image)
	}
	if stable.Generation != before.Generation+1 {
		r.t.Errorf("stable generation %d -> %d, want exactly one update (the promotion)", before.Generation, stable.Generation)
	}
}

// newRelease is a Release of image for the shop Deployment with build
// metadata derived from its name.
func newRelease(ns, name, image string, s v1alpha1.Strategy) *v1alpha1.Release {
	if s.ProgressDeadline == nil {
		s.ProgressDeadline = &metav1.Duration{Duration: 2 * time.Minute}
	}
	if s.ScaleDownDelay == nil {
		s.ScaleDownDelay = &metav1.Duration{Duration: time.Second}
	}
	return &v1alpha1.Release{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ReleaseSpec{
			Service: "shop", Image: image,
			BuildInfo: v1alpha1.BuildInfo{Service: "shop", Version: name, LockHash: "sha256:lock-" + name,
				ImageDigest: image[len(image)-71:], GitCommit: "c0ffee-" + name, CIRunID: "run-" + name},
			Strategy: s,
		},
	}
}

func steps(s ...v1alpha1.Step) v1alpha1.Strategy { return v1alpha1.Strategy{Steps: s} }

func weight(w int32) v1alpha1.Step { return v1alpha1.Step{SetWeight: ptr.To(w)} }

func pause(d time.Duration) v1alpha1.Step {
	return v1alpha1.Step{Pause: &v1alpha1.PauseStep{Duration: &metav1.Duration{Duration: d}}}
}

// promoteV1 rolls out release shop-v1 (imageV1, which the Deployment
// already runs as "shop-initial") so that the stable Deployment carries a
// pinwheel release with build metadata, as after any earlier deploy. It
// returns the stable Deployment as it is once that settled.
func (r *rig) promoteV1() *appsv1.Deployment {
	r.t.Helper()
	r.create(newRelease(r.Namespace, "shop-v1", imageV1, steps(weight(100))))
	if got := r.waitPhase("shop-v1", terminal...); got.Status.Phase != string(rollout.Promoted) {
		r.t.Fatalf("shop-v1: phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	r.waitRolledOut("shop")
	d := r.deployment("shop")
	if d.Spec.Template.Annotations["pinwheel.dev/release"] != "shop-v1" {
		r.t.Fatalf("stable template after shop-v1: annotations %v", d.Spec.Template.Annotations)
	}
	return d
}

// startController runs controller.Run for the rig's namespace until the
// test ends or stop is called.
func (r *rig) startController(o controller.Options) (stop func()) {
	r.t.Helper()
	o.Namespace = r.Namespace
	if o.SampleStep == 0 {
		o.SampleStep = time.Second
	}
	if o.Log == nil && os.Getenv("PINWHEEL_TEST_LOG") != "" {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- controller.Run(ctx, r.Config, o) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				r.t.Errorf("controller: %v", err)
			}
		})
	}
	r.t.Cleanup(stop)
	return stop
}

// events returns the Events recorded about the Release name.
func (r *rig) events(name string) []corev1.Event {
	r.t.Helper()
	var list corev1.EventList
	if err := r.Client.List(context.Background(), &list, client.InNamespace(r.Namespace)); err != nil {
		r.t.Fatal(err)
	}
	var out []corev1.Event
	for _, ev := range list.Items {
		if ev.InvolvedObject.Kind == "Release" && ev.InvolvedObject.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

// eventCount sums the counts of name's Events with reason.
func (r *rig) eventCount(name, reason string) int {
	n := 0
	for _, ev := range r.events(name) {
		if ev.Reason == reason {
			n += int(max(ev.Count, 1))
		}
	}
	return n
}

// waitEventCount waits until name has an Event with reason (the recorder
// sends Events in the background, after the action they report), then
// returns eventCount.
func (r *rig) waitEventCount(name, reason string) int {
	r.t.Helper()
	kubetest.Eventually(r.t, reason+" event on "+name, func() (bool, string) {
		n := r.eventCount(name, reason)
		return n > 0, fmt.Sprintf("%d events", n)
	})
	return r.eventCount(name, reason)
}

// eventMessages are the messages of name's Events with reason, oldest
// first.
func (r *rig) eventMessages(name, reason string) []string {
	var out []string
	for _, ev := range r.events(name) {
		if ev.Reason == reason {
			out = append(out, fmt.Sprintf("%s (x%d)", ev.Message, max(ev.Count, 1)))
		}
	}
	return out
}

// appliedWeight reports whether the Release's decision log says the
// canary weight w was applied (an "advance" of a setWeight step) — the
// durable record of a step, which no watcher can miss.
func appliedWeight(rel *v1alpha1.Release, w int32) bool {
	for _, d := range rel.Status.Decisions {
		if d.Action == "advance" && strings.Contains(d.Reason, fmt.Sprintf("canary weight %d%% applied", w)) {
			return true
		}
	}
	return false
}

// decisions counts the Release's logged decisions with action.
func decisions(rel *v1alpha1.Release, action string) int {
	n := 0
	for _, d := range rel.Status.Decisions {
		if d.Action == action {
			n++
		}
	}
	return n
}

// watcher keeps every (phase/step/weight) the API showed for a Release.
// It watches (a RetryWatcher, which resumes from the last resourceVersion
// after the API server restarts, so no status version is missed however
// slow the machine) rather than polling, which can miss a state that lasts
// a second on a loaded machine.
type watcher struct {
	mu       sync.Mutex
	statuses []string
	phases   map[string]bool
	weights  map[int32]bool
}

func (r *rig) watch(name string) *watcher {
	r.t.Helper()
	w := &watcher{phases: map[string]bool{}, weights: map[int32]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	r.t.Cleanup(cancel)
	wc, err := client.NewWithWatch(r.Config, client.Options{Scheme: r.Scheme})
	if err != nil {
		r.t.Fatal(err)
	}
	var list v1alpha1.ReleaseList
	if err := wc.List(ctx, &list, client.InNamespace(r.Namespace)); err != nil {
		r.t.Fatal(err)
	}
	lw := &cache.ListWatch{WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
		return wc.Watch(ctx, &v1alpha1.ReleaseList{}, client.InNamespace(r.Namespace), &client.ListOptions{Raw: &o})
	}}
	// A RetryWatcher gives up on errors it deems final; after a restart,
	// kube-apiserver's watch cache starts at etcd's current version and
	// refuses older ones ("too old resource version"): what happened in
	// between is gone for every watcher, so read the Release afresh and go
	// on from there. (Tests assert what a rollout did through the
	// Release's decision log; this history is for the failure message.)
	go func() {
		rv := list.ResourceVersion
		for ctx.Err() == nil {
			if rv == "" {
				var rel v1alpha1.Release
				err := wc.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: name}, &rel)
				var fresh v1alpha1.ReleaseList
				if lerr := wc.List(ctx, &fresh, client.InNamespace(r.Namespace)); lerr == nil {
					rv = fresh.ResourceVersion
					if err == nil {
						w.record(&rel)
					}
				}
			}
			if rv == "" {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			rw, err := watchtools.NewRetryWatcherWithContext(ctx, rv, lw)
			if err != nil {
				w.note("watch: " + err.Error())
				time.Sleep(200 * time.Millisecond)
				continue
			}
			for ev := range rw.ResultChan() {
				switch o := ev.Object.(type) {
				case *v1alpha1.Release:
					rv = o.ResourceVersion
					if o.Name == name {
						w.record(o)
					}
				case *metav1.Status:
					w.note(fmt.Sprintf("watch %s: %s", ev.Type, o.Message))
					rv = "" // gone: start from what is there now
				}
			}
			rw.Stop()
			time.Sleep(200 * time.Millisecond) // never a hot loop against a server coming back
		}
	}()
	r.t.Cleanup(func() {
		if r.t.Failed() {
			r.t.Logf("statuses of %s seen: %v", name, w.history())
		}
	})
	return w
}

// note keeps a watch problem beside the statuses (shown on failure).
func (w *watcher) note(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.statuses = append(w.statuses, "("+s+")")
}

func (w *watcher) record(rel *v1alpha1.Release) {
	s := fmt.Sprintf("%s/%d/%d", rel.Status.Phase, rel.Status.Step, rel.Status.CanaryWeight)
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.statuses); n == 0 || w.statuses[n-1] != s {
		w.statuses = append(w.statuses, s)
	}
	w.phases[rel.Status.Phase] = true
	w.weights[rel.Status.CanaryWeight] = true
}

func (w *watcher) sawPhase(p rollout.Phase) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.phases[string(p)]
}

func (w *watcher) sawWeight(v int32) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.weights[v]
}

func (w *watcher) history() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.statuses...)
}
