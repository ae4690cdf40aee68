package kubee2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestAdoptedStableUntouchedByRolledBackRelease: the first release rolled
// out beside a Deployment pinwheel never deployed (no pinwheel.dev/release
// on its template: it runs "<deployment>-initial" as it is), aborted at a
// pause, leaves that Deployment as it was — same generation, image and
// template labels, so no stable pod was replaced. (It used to get the
// revision label and build annotations on the first reconcile.)
func TestAdoptedStableUntouchedByRolledBackRelease(t *testing.T) {
	t.Parallel()
	r := newRig(t, 2)
	before := r.deployment("shop")
	r.startController(controller.Options{})
	rel := newRelease(r.Namespace, "shop-v2", imageV2, steps(weight(25), v1alpha1.Step{Pause: &v1alpha1.PauseStep{}}))
	r.create(rel)
	r.waitPhase(rel.Name, rollout.Paused)
	abort(t, r, rel.Name)
	got := r.waitPhase(rel.Name, terminal...)
	if got.Status.Phase != string(rollout.Aborted) {
		t.Fatalf("phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	checkStableUntouched(t, r, before)
}

// abort asks the controller to abort the Release through the command
// annotation, as `pinwheel abort --target kube` does.
func abort(t *testing.T, r *rig, name string) {
	t.Helper()
	v, err := v1alpha1.CommandAnnotation(rollout.Command{Kind: rollout.CommandAbort, By: "e2e", Reason: "test"}, fmt.Sprint(time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{v1alpha1.AnnotationCommand: v}}})
	if err := r.Client.Patch(context.Background(), r.release(name), client.RawPatch(types.MergePatchType, patch)); err != nil {
		t.Fatal(err)
	}
}
