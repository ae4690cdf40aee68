package drift

import (
	"fmt"
	"slices"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Placed is where the ledger has a service: its live release, its active
// rollout (if any) and its latest one (whose replaced release may still be
// kept on standby).
type Placed struct {
	Service string
	Live    string // "" when no release was promoted
	Active  *Rollout
	Latest  *Rollout
}

// Rollout is a rollout as drift needs it: the release it rolls out and
// the one it replaces.
type Rollout struct {
	Release, From string
}

// Local compares what the local runtime runs for a service with where
// the ledger places it.
func Local(p Placed, obs runtime.Observed) Report {
	var r Report
	allowed := []string{p.Live}
	for _, ro := range []*Rollout{p.Active, p.Latest} {
		if ro != nil {
			allowed = append(allowed, ro.Release, ro.From)
		}
	}
	for _, id := range sortedIDs(obs.Releases) {
		st := obs.Releases[id]
		obj := "release " + id
		r.Checked = append(r.Checked, obj)
		if st.Desired == 0 && st.Ready == 0 {
			continue
		}
		if id == "" || !slices.Contains(allowed, id) {
			r.Findings = append(r.Findings, Finding{Kind: UnplacedRelease, Target: "local", Service: p.Service, Object: obj, Release: id,
				Got:     fmt.Sprintf("%d/%d ready", st.Ready, st.Desired),
				Message: fmt.Sprintf("%d replicas of %s run, but the ledger has it neither live (%s) nor in a rollout", st.Desired, id, orNone(p.Live))})
		}
	}
	if p.Active == nil && obs.Stable != "" && p.Live != "" && obs.Stable != p.Live {
		r.Findings = append(r.Findings, Finding{Kind: StableMismatch, Target: "local", Service: p.Service, Object: "service " + p.Service,
			Release: obs.Stable, Want: p.Live, Got: obs.Stable,
			Message: fmt.Sprintf("the proxy serves %s as stable, the ledger's live release is %s", obs.Stable, p.Live)})
	}
	if p.Active == nil && obs.CanaryWeight != 0 {
		r.Findings = append(r.Findings, Finding{Kind: ReplicasOffSpec, Target: "local", Service: p.Service, Object: "service " + p.Service,
			Want: "0", Got: fmt.Sprint(obs.CanaryWeight),
			Message: fmt.Sprintf("the proxy sends %d%% to a canary (%s) while no rollout is active", obs.CanaryWeight, orNone(obs.Canary))})
	}
	r.Sort()
	return r
}

func sortedIDs(m map[string]runtime.ReleaseState) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
