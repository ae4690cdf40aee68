package controller

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// The plan a controller persists is exactly what a restarted one loads:
// engine status, releases, flags, the last command.
func TestPlanRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rollout.NewStatus("shop-1", "shop-2")
	st.Phase, st.StepIndex, st.CanaryWeight, st.Message = rollout.Paused, 1, 25, "step 1: pause for 5s"
	st.Decisions = []rollout.Decision{{Time: at, Step: 0, Phase: rollout.Progressing, Action: "set-weight", Reason: "25%"}}
	stable := runtime.Release{ID: "shop-1", Artifact: runtime.Artifact{Image: "r/shop@sha256:aa"}, Env: map[string]string{"A": "1"}}
	in := plan{State: loop.State{
		Spec:   rollout.Spec{Steps: []rollout.Step{{SetWeight: ptrInt(25)}, {Pause: &rollout.PauseStep{}}}},
		Status: st, Stable: &stable, Canary: runtime.Release{ID: "shop-2", Artifact: runtime.Artifact{Image: "r/shop@sha256:bb"}},
		Replicas: 4, CanaryScale: 25, Manual: true,
	}, LastCommand: "17"}
	rel := &v1alpha1.Release{ObjectMeta: metav1.ObjectMeta{Name: "shop-2", Generation: 3}}
	if err := storePlan(rel, in); err != nil {
		t.Fatal(err)
	}
	if rel.Status.Phase != "Paused" || rel.Status.CanaryWeight != 25 || rel.Status.StableWeight != 75 || rel.Status.Steps != 2 ||
		rel.Status.ObservedGeneration != 3 || len(rel.Status.Decisions) != 1 {
		t.Errorf("derived status %+v", rel.Status)
	}
	out, ok, err := loadPlan(rel)
	if err != nil || !ok {
		t.Fatalf("loadPlan: %v %v", ok, err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-stored +loaded):\n%s", diff)
	}
	// A fresh Release has nothing to resume; a status.engine without its
	// plan is an error, not a silent restart.
	if _, ok, err := loadPlan(&v1alpha1.Release{}); ok || err != nil {
		t.Errorf("fresh release: ok=%v err=%v", ok, err)
	}
	rel.Status.Plan = nil
	if _, _, err := loadPlan(rel); err == nil {
		t.Error("engine without plan loaded")
	}
}

func ptrInt(n int) *int { return &n }

func TestEventReason(t *testing.T) {
	for in, want := range map[string]string{
		"set-weight": "SetWeight", "promote": "Promote", "rollback": "Rollback", "": "Decision", "scale_down now": "ScaleDownNow",
	} {
		if got := eventReason(in); got != want {
			t.Errorf("eventReason(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOlderOrdersByCreationThenName(t *testing.T) {
	t0 := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(time.Second))
	rel := func(name string, at metav1.Time) *v1alpha1.Release {
		return &v1alpha1.Release{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: at}}
	}
	if !older(rel("b", t0), rel("a", t1)) || older(rel("a", t1), rel("b", t0)) {
		t.Error("creation time must decide first")
	}
	if !older(rel("a", t0), rel("b", t0)) || older(rel("b", t0), rel("a", t0)) {
		t.Error("same second: name decides")
	}
}

func TestRequeueOnConflict(t *testing.T) {
	conflict := apierrors.NewConflict(schema.GroupResource{Group: "pinwheel.dev", Resource: "releases"}, "x", errors.New("stale"))
	if res, err := requeueOnConflict(conflict); err != nil || !res.Requeue {
		t.Errorf("conflict: %+v %v; want a quiet requeue", res, err)
	}
	boom := errors.New("boom")
	if _, err := requeueOnConflict(boom); !errors.Is(err, boom) {
		t.Errorf("other errors must surface, got %v", err)
	}
}

// A status read back from the API server (opaque JSON re-encoded with
// sorted keys, times in whole seconds) is the same status: no write.
func TestSameStatusIgnoresReencoding(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 123456789, time.UTC)
	st := rollout.NewStatus("shop-1", "shop-2")
	st.Phase, st.CanaryWeight = rollout.Progressing, 25
	st.Decisions = []rollout.Decision{{Time: at, Phase: rollout.Progressing, Action: "set-weight", Reason: "25%"}}
	p := plan{State: loop.State{Status: st, Replicas: 2, Canary: runtime.Release{ID: "shop-2"}}, LastCommand: "9"}
	mine := &v1alpha1.Release{}
	if err := storePlan(mine, p); err != nil {
		t.Fatal(err)
	}
	// What the API server returns: JSON re-encoded from a map (sorted keys).
	server := mine.Status.DeepCopy()
	for _, raw := range []*[]byte{&server.Engine.Raw, &server.Plan.Raw} {
		var m map[string]any
		if err := json.Unmarshal(*raw, &m); err != nil {
			t.Fatal(err)
		}
		*raw, _ = json.Marshal(m)
	}
	for i := range server.Decisions { // metav1.Time keeps whole seconds in the API
		server.Decisions[i].Time = metav1.NewTime(server.Decisions[i].Time.Truncate(time.Second))
	}
	if string(server.Engine.Raw) == string(mine.Status.Engine.Raw) {
		t.Fatal("re-encoding changed nothing: the test proves nothing")
	}
	again := server.DeepCopy()
	r := &v1alpha1.Release{Status: *again}
	if err := storePlan(r, p); err != nil {
		t.Fatal(err)
	}
	if !sameStatus(server, &r.Status) {
		t.Errorf("an unchanged rollout would be written again:\nserver %+v\nmine   %+v", server, r.Status)
	}
	p.Status.CanaryWeight = 50
	if err := storePlan(r, p); err != nil {
		t.Fatal(err)
	}
	if sameStatus(server, &r.Status) {
		t.Error("a changed weight compared equal")
	}
}

func TestRequeue(t *testing.T) {
	r := &Reconciler{opts: Options{}.withDefaults()}
	for _, tc := range []struct {
		name    string
		want    time.Duration
		actions []rollout.Action
		got     time.Duration
	}{
		{"engine polls: the watches wake us, poll is a safety net", rollout.PollInterval, nil, 15 * time.Second},
		{"no wish", 0, nil, 15 * time.Second},
		{"timed pause keeps its exact wait", 3 * time.Second, nil, 3 * time.Second},
		{"reshaped runtime looks again soon", rollout.PollInterval, []rollout.Action{rollout.SetWeight{Weight: 50}}, reshapedPoll},
		{"reshaped but an earlier wish wins", 100 * time.Millisecond, []rollout.Action{rollout.Promote{}}, 100 * time.Millisecond},
		{"notify alone is no reshape", rollout.PollInterval, []rollout.Action{rollout.Notify{}}, 15 * time.Second},
	} {
		if got := r.requeue(tc.want, tc.actions); got != tc.got {
			t.Errorf("%s: requeue(%v) = %v, want %v", tc.name, tc.want, got, tc.got)
		}
	}
}
