package scorecard

import (
	"math"
	"slices"
	"time"
)

// Metrics are one service's (or every service's) numbers for one period.
// Durations are in seconds so a JSON API can serve them as they are; a nil
// statistic or ratio means there was nothing to measure.
type Metrics struct {
	// Deployments are rollouts that finished in the period, whatever
	// their outcome; Promoted, Failed (rolled back, aborted, failed, or
	// promoted and then rolled back by hand) and Rollbacks (automatic
	// ones and `pinwheel rollback` to an earlier release) count among them.
	Deployments int `json:"deployments"`
	Promoted    int `json:"promoted"`
	Failed      int `json:"failed"`
	Rollbacks   int `json:"rollbacks"`
	// DeploymentsPerWeek is the deployment frequency.
	DeploymentsPerWeek float64 `json:"deploymentsPerWeek"`
	// FailedPerMonth is failed deployments per 30 days.
	FailedPerMonth float64 `json:"failedPerMonth"`
	// ChangeFailRate is Failed over Deployments.
	ChangeFailRate *Ratio `json:"changeFailRate,omitempty"`
	// LeadTime is commit → promoted, for promoted releases whose build
	// recorded the commit time.
	LeadTime *Stat `json:"leadTime,omitempty"`
	// RecoveryTime is, per failed deployment, the time from when it
	// started taking traffic until all traffic was back on a good release.
	RecoveryTime *Stat `json:"recoveryTime,omitempty"`
	// Builds and FailedBuilds count builds that finished in the period.
	Builds       int `json:"builds"`
	FailedBuilds int `json:"failedBuilds"`
	// BuildTime, RolloutTime and PipelineTime (the release's build plus
	// its rollout, for rollouts whose build is recorded).
	BuildTime    *Stat `json:"buildTime,omitempty"`
	RolloutTime  *Stat `json:"rolloutTime,omitempty"`
	PipelineTime *Stat `json:"pipelineTime,omitempty"`
	// Cache is the hit rate of each cache over the period's builds.
	Cache CacheRates `json:"cache"`
}

// CacheRates are hit rates by cache.
type CacheRates struct {
	Wheels *Ratio `json:"wheels,omitempty"`
	Debs   *Ratio `json:"debs,omitempty"`
	Layers *Ratio `json:"layers,omitempty"`
}

// Ratio is N of Of (Value = N/Of).
type Ratio struct {
	N     int     `json:"n"`
	Of    int     `json:"of"`
	Value float64 `json:"value"`
}

func ratio(n, of int) *Ratio {
	if of == 0 {
		return nil
	}
	return &Ratio{N: n, Of: of, Value: float64(n) / float64(of)}
}

// Stat summarizes durations: how many, the median and the 90th
// percentile, in seconds.
type Stat struct {
	N      int     `json:"n"`
	Median float64 `json:"medianSeconds"`
	P90    float64 `json:"p90Seconds"`
}

// stat summarizes ds (nearest-rank percentiles: the value at rank
// ceil(p·n), so each is a duration that was measured).
func stat(ds []time.Duration) *Stat {
	if len(ds) == 0 {
		return nil
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[max(i, 0)].Seconds()
	}
	return &Stat{N: len(s), Median: rank(0.5), P90: rank(0.9)}
}
