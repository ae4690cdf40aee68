package driver

import (
	"encoding/json"
	"fmt"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// loadState reads the loop.State a driver keeps in ledger.Rollout.Status.
func loadState(ro ledger.Rollout) (loop.State, error) {
	var st loop.State
	if err := json.Unmarshal(ro.Status, &st); err != nil {
		return st, fmt.Errorf("rollout %d: stored state: %w", ro.ID, err)
	}
	return st, nil
}

func encodeState(st loop.State) (json.RawMessage, error) {
	return json.Marshal(st)
}

// runtimeRelease turns a ledger release into what a runtime runs.
func runtimeRelease(r ledger.Release) (runtime.Release, error) {
	rr := runtime.Release{ID: r.ID, BuildInfo: r.Info}
	if len(r.Deploy) > 0 {
		if err := json.Unmarshal(r.Deploy, &rr); err != nil {
			return rr, fmt.Errorf("release %s: deploy record: %w", r.ID, err)
		}
	}
	rr.ID, rr.BuildInfo = r.ID, r.Info
	return rr, nil
}

// Persisted returns the spec and engine status a driver stored in ro, for
// status displays.
func Persisted(ro ledger.Rollout) (rollout.Spec, rollout.Status, error) {
	st, err := loadState(ro)
	return st.Spec, st.Status, err
}
