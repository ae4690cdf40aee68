package loop

import (
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// State is what a rollout persists after every turn: the spec it started
// with, the engine's Status, and the runtime state asked for. Reloading it
// is all a restarted driver or controller needs to resume.
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

// StableID is the stable release's ID, "" on a first deploy.
func (st State) StableID() string {
	if st.Stable == nil {
		return ""
	}
	return st.Stable.ID
}

// Desired is the runtime state st asks of service.
func (st State) Desired(service string) runtime.Desired {
	d := runtime.Desired{Service: service, Replicas: st.Replicas, ReadinessPath: st.ReadinessPath, Standby: st.Standby}
	switch {
	case st.Promoted:
		canary := st.Canary
		d.Stable = &canary
	case st.RolledBack:
		d.Stable = st.Stable // nil after a first deploy rolled back: nothing serves
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

// Observe fills obs with what the runtime reports for st's releases:
// readiness, the traffic weight in effect, the serving stable release and
// whether the runtime still converges.
func (st State) Observe(obs *rollout.Observations, seen runtime.Observed) {
	obs.Canary = seen.Readiness(st.Canary.ID)
	if st.Stable != nil {
		obs.Stable = seen.Readiness(st.Stable.ID)
	}
	switch {
	case st.Stable == nil && (seen.Canary == st.Canary.ID || seen.Stable == st.Canary.ID):
		// A first deploy has nothing to split with: the runtime sends
		// the canary everything, which is every weight the engine asks.
		obs.AppliedWeight = st.Status.CanaryWeight
	case seen.Canary == st.Canary.ID:
		obs.AppliedWeight = seen.CanaryWeight
	}
	obs.StableRelease = seen.Stable
	obs.InFlight = !seen.Converged
}

// facts fills what obs says about st itself, observed or not.
func (st State) facts(obs *rollout.Observations) {
	obs.CanaryKnownGood = st.KnownGood
}

// Fold folds the runtime-shaping actions into the desired state before it
// is persisted, so the runtime is asked for exactly what is stored.
func (st *State) Fold(actions []rollout.Action) {
	for _, a := range actions {
		switch a := a.(type) {
		case rollout.ScaleCanary:
			st.CanaryScale = a.Weight
		case rollout.Promote:
			if !st.Promoted && st.Stable != nil {
				st.Standby = append(st.Standby, *st.Stable)
			}
			st.Promoted = true
		case rollout.Rollback:
			st.RolledBack, st.CanaryScale = true, 0
		case rollout.ScaleDown:
			kept := st.Standby[:0]
			for _, r := range st.Standby {
				if r.ID != a.Release {
					kept = append(kept, r)
				}
			}
			st.Standby = kept
		}
	}
}

// Deleted is the state to converge to when the rollout's owner goes away
// mid-rollout: the canary scaled to zero and all traffic on stable.
func (st State) Deleted() State {
	if !st.Promoted {
		st.RolledBack, st.CanaryScale = true, 0
	}
	return st
}
