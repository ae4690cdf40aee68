package driver

import (
	"encoding/json"
	"fmt"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// State is what the driver persists in ledger.Rollout.Status after every
// transition: the spec the rollout started with, the engine's Status, and
// the runtime state the driver has asked for. Reloading it is all a
// restarted driver needs to resume.
type State struct {
	Spec   rollout.Spec   `json:"spec"`
	Status rollout.Status `json:"status"`
	// Initial is the status the rollout started from, for replays.
	Initial rollout.Status   `json:"initial"`
	Stable  *runtime.Release `json:"stable,omitempty"`
	Canary  runtime.Release  `json:"canary"`
	// Standby are previous stable releases kept running until ScaleDown.
	Standby       []runtime.Release `json:"standby,omitempty"`
	Replicas      int               `json:"replicas"`
	ReadinessPath string            `json:"readinessPath,omitempty"`
	// CanaryScale is the weight the canary is sized for; 0 after rollback.
	CanaryScale int `json:"canaryScale"`
	// Promoted / RolledBack record that the Promote / Rollback action was
	// carried out (so Apply keeps converging to it after a restart).
	Promoted   bool `json:"promoted,omitempty"`
	RolledBack bool `json:"rolledBack,omitempty"`
	// Manual records that a person asked for the rollback or abort, so no
	// remediation report is filed for it.
	Manual bool `json:"manual,omitempty"`
	// KnownGood is whether the canary had passed analysis before this rollout.
	KnownGood bool `json:"knownGood,omitempty"`
}

func loadState(ro ledger.Rollout) (State, error) {
	var st State
	if err := json.Unmarshal(ro.Status, &st); err != nil {
		return st, fmt.Errorf("rollout %d: stored state: %w", ro.ID, err)
	}
	return st, nil
}

func (st State) encode() (json.RawMessage, error) {
	return json.Marshal(st)
}

// Desired is the runtime state the driver wants for st.
func (st State) Desired(service string) runtime.Desired {
	d := runtime.Desired{Service: service, Replicas: st.Replicas, ReadinessPath: st.ReadinessPath, Standby: st.Standby}
	switch {
	case st.Promoted:
		canary := st.Canary
		d.Stable = &canary
	case st.RolledBack:
		d.Stable = st.Stable
		if st.Stable == nil { // first deploy rolled back: nothing serves
			d.Stable = nil
		}
	default:
		d.Stable = st.Stable
		canary := st.Canary
		d.Canary = &canary
		d.CanaryWeight = st.Status.CanaryWeight
		scale := max(st.CanaryScale, st.Status.CanaryWeight)
		d.CanaryReplicas = runtime.CanaryReplicas(st.Replicas, scale)
		if st.Stable == nil {
			// A first deploy has nothing to split with: the canary is all there is.
			d.CanaryReplicas = st.Replicas
		}
	}
	return d
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

// DeployRecord encodes how a runtime runs a release, for ledger.Release.Deploy.
func DeployRecord(r runtime.Release) (json.RawMessage, error) {
	r.ID = ""
	return json.Marshal(struct {
		Artifact runtime.Artifact  `json:"artifact"`
		Env      map[string]string `json:"env,omitempty"`
	}{r.Artifact, r.Env})
}

// Persisted returns the spec and engine status a driver stored in ro, for
// status displays.
func Persisted(ro ledger.Rollout) (rollout.Spec, rollout.Status, error) {
	st, err := loadState(ro)
	return st.Spec, st.Status, err
}
