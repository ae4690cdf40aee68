package scorecard

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
)

// Records are the ledger values a scorecard is computed from, for any
// number of services.
type Records struct {
	Builds   []ledger.Build
	Releases []ledger.Release
	Rollouts []ledger.Rollout
}

// Report is the scorecard: the period, the one before it, and the metrics
// of both for every service and overall.
type Report struct {
	Period   Period     `json:"period"`
	Previous Period     `json:"previous"`
	Overall  Comparison `json:"overall"`
	Services []Service  `json:"services"`
	// Missing names what the scorecard cannot measure yet.
	Missing []string `json:"missing,omitempty"`
}

// Comparison is a period's metrics beside the previous period's.
type Comparison struct {
	Current  Metrics `json:"current"`
	Previous Metrics `json:"previous"`
}

// Service is one service's comparison.
type Service struct {
	Name string `json:"name"`
	Comparison
}

// notMeasured is what the ledger does not hold yet.
var notMeasured = []string{
	"gate time: gate runs (pinwheel gate) are not counted yet; pipeline time is build + rollout",
	"runtime consumption per release (CPU-seconds, peak memory): not recorded yet",
}

// Compute is the scorecard of recs for p against the period before it.
func Compute(recs Records, p Period) Report {
	r := Report{Period: p, Previous: p.Previous(), Missing: notMeasured}
	r.Overall = Comparison{Current: metrics(recs, p, ""), Previous: metrics(recs, r.Previous, "")}
	for _, svc := range services(recs) {
		r.Services = append(r.Services, Service{Name: svc,
			Comparison: Comparison{Current: metrics(recs, p, svc), Previous: metrics(recs, r.Previous, svc)}})
	}
	return r
}

func services(recs Records) []string {
	var out []string
	for _, b := range recs.Builds {
		out = append(out, b.Service)
	}
	for _, ro := range recs.Rollouts {
		out = append(out, ro.Service)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// metrics computes p's metrics for service (all services when "").
func metrics(recs Records, p Period, service string) Metrics {
	var m Metrics
	mine := func(s string) bool { return service == "" || s == service }
	releases := map[string]ledger.Release{}
	for _, rel := range recs.Releases {
		releases[rel.ID] = rel
	}
	var builds []ledger.Build
	var buildTimes []time.Duration
	var cache [3][2]int
	for _, b := range recs.Builds {
		if !mine(b.Service) || !p.Contains(b.CreatedAt) {
			continue
		}
		m.Builds++
		if !b.Succeeded {
			m.FailedBuilds++
			continue
		}
		builds = append(builds, b)
		buildTimes = append(buildTimes, buildTime(b))
		if c := b.Info.Cache; c != nil {
			for i, cc := range [][2]int{{c.Wheels.Hits, c.Wheels.Misses}, {c.Debs.Hits, c.Debs.Misses}, {c.Layers.Hits, c.Layers.Misses}} {
				cache[i][0] += cc[0]
				cache[i][1] += cc[0] + cc[1]
			}
		}
	}
	m.BuildTime = stat(buildTimes)
	m.Cache = CacheRates{Wheels: ratio(cache[0][0], cache[0][1]), Debs: ratio(cache[1][0], cache[1][1]), Layers: ratio(cache[2][0], cache[2][1])}

	// The build of a release: the newest successful build of its image
	// digest that finished before the rollout started (any period).
	buildOf := func(ro ledger.Rollout) (ledger.Build, bool) {
		digest := releases[ro.ReleaseID].Info.ImageDigest
		var found ledger.Build
		ok := false
		for _, b := range recs.Builds {
			if b.Succeeded && digest != "" && b.Info.ImageDigest == digest && !b.CreatedAt.After(ro.StartedAt) &&
				(!ok || b.CreatedAt.After(found.CreatedAt)) {
				found, ok = b, true
			}
		}
		return found, ok
	}
	promotedBy := map[string]ledger.Rollout{} // release → the rollout that promoted it
	for _, ro := range recs.Rollouts {
		if ro.Outcome == "promoted" {
			promotedBy[ro.ReleaseID] = ro
		}
	}
	var lead, recovery, rollout, pipeline []time.Duration
	for _, ro := range recs.Rollouts {
		if !mine(ro.Service) || ro.FinishedAt.IsZero() || !p.Contains(ro.FinishedAt) {
			continue
		}
		m.Deployments++
		took := ro.FinishedAt.Sub(ro.StartedAt)
		rollout = append(rollout, took)
		b, built := buildOf(ro)
		if built {
			pipeline = append(pipeline, buildTime(b)+took)
		}
		switch ro.Outcome {
		case "promoted":
			m.Promoted++
			if built && !b.Info.GitCommitTime.IsZero() {
				lead = append(lead, ro.FinishedAt.Sub(b.Info.GitCommitTime))
			}
			if isManualRollback(ro, releases) {
				// The release it replaced was promoted and then taken back:
				// that deployment failed, and this one recovered from it.
				m.Rollbacks++
				m.Failed++
				if bad, ok := promotedBy[ro.FromRelease]; ok {
					recovery = append(recovery, ro.FinishedAt.Sub(bad.FinishedAt))
				}
			}
		case "rolled-back":
			m.Rollbacks++
			m.Failed++
			recovery = append(recovery, took)
		case "aborted", "failed":
			m.Failed++
			recovery = append(recovery, took)
		}
	}
	m.LeadTime, m.RecoveryTime, m.RolloutTime, m.PipelineTime = stat(lead), stat(recovery), stat(rollout), stat(pipeline)
	m.ChangeFailRate = ratio(m.Failed, m.Deployments)
	if days := p.Days(); days > 0 {
		m.DeploymentsPerWeek = float64(m.Deployments) / days * 7
		m.FailedPerMonth = float64(m.Failed) / days * 30
	}
	return m
}

func buildTime(b ledger.Build) time.Duration {
	if b.Info.DurationMS > 0 {
		return time.Duration(b.Info.DurationMS) * time.Millisecond
	}
	return b.Info.FinishedAt.Sub(b.Info.StartedAt)
}

// isManualRollback reports whether ro went back to an earlier release of
// its service than the one it replaced (`pinwheel rollback`).
func isManualRollback(ro ledger.Rollout, releases map[string]ledger.Release) bool {
	if ro.FromRelease == "" {
		return false
	}
	to, from := seqOf(ro.ReleaseID, releases), seqOf(ro.FromRelease, releases)
	return to > 0 && from > 0 && to < from
}

func seqOf(id string, releases map[string]ledger.Release) int {
	if r, ok := releases[id]; ok && r.Seq > 0 {
		return r.Seq
	}
	i := strings.LastIndexByte(id, '-')
	n, _ := strconv.Atoi(id[i+1:])
	return n
}
