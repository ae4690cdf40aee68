package controller

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// plan is what a Release's status.plan holds: the driver's runtime state
// (the engine status itself lives in status.engine) and the controller's
// own bookkeeping.
type plan struct {
	loop.State
	// LastCommand is the id of the newest pinwheel.dev/command handled.
	LastCommand string `json:"lastCommand,omitempty"`
	// Finished records that the terminal bookkeeping (remediation report)
	// was done, so a restarted controller does not repeat it.
	Finished bool `json:"finished,omitempty"`
}

// loadPlan reads a Release's persisted plan and engine status. ok is false
// for a Release the controller has not started yet.
func loadPlan(rel *v1alpha1.Release) (p plan, ok bool, err error) {
	st, ok, err := rel.Status.EngineStatus()
	if err != nil || !ok {
		return p, false, err
	}
	if rel.Status.Plan == nil || len(rel.Status.Plan.Raw) == 0 {
		return p, false, fmt.Errorf("release %s: status.engine without status.plan", rel.Name)
	}
	if err := json.Unmarshal(rel.Status.Plan.Raw, &p); err != nil {
		return p, false, fmt.Errorf("release %s: status.plan: %w", rel.Name, err)
	}
	p.Status = st
	return p, true, nil
}

// storePlan writes p into rel's status: the engine status and every field
// derived from it, and the plan without the engine status (stored once).
func storePlan(rel *v1alpha1.Release, p plan) error {
	if err := rel.Status.SetEngineStatus(p.Status, len(p.Spec.Steps), rel.Generation); err != nil {
		return err
	}
	p.Status, p.Initial = rollout.Status{}, rollout.Status{}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	rel.Status.Plan = &runtime.RawExtension{Raw: raw}
	return nil
}

// sameStatus reports whether two statuses say the same thing. The opaque
// JSON fields are compared as JSON values, not bytes: the API server hands
// them back re-encoded (sorted keys), and a status rewritten only for that
// would cost a write per reconcile.
func sameStatus(a, b *v1alpha1.ReleaseStatus) bool {
	x, y := a.DeepCopy(), b.DeepCopy()
	x.Engine, x.Plan, y.Engine, y.Plan = nil, nil, nil, nil
	return equality.Semantic.DeepEqual(x, y) && sameJSON(a.Engine, b.Engine) && sameJSON(a.Plan, b.Plan)
}

func sameJSON(a, b *runtime.RawExtension) bool {
	if a == nil || b == nil {
		return a == b
	}
	va, errA := decodeJSON(a.Raw)
	vb, errB := decodeJSON(b.Raw)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}
