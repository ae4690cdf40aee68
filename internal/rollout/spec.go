package rollout

import (
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Duration is a Go duration string in YAML and JSON ("30s", "5m").
type Duration = analysis.Duration

// Spec is the `rollout:` section of pinwheel.yaml. A rollout's Spec must not
// change while it runs: drivers store the spec they started with.
type Spec struct {
	// Steps run in order; after the last one the canary is promoted.
	Steps []Step `json:"steps" yaml:"steps"`
	// Checks are the SLI checks analysis steps refer to by name.
	Checks []analysis.Check `json:"checks,omitempty" yaml:"checks,omitempty"`
	// Analysis holds the measurement cadence and tolerance limits.
	Analysis AnalysisSettings `json:"analysis" yaml:"analysis"`
	// ProgressDeadline bounds how long the rollout waits on the runtime or a
	// metrics provider (scaling, readiness, weight changes, measurements,
	// in-flight actions). Exceeding it rolls back.
	ProgressDeadline Duration `json:"progressDeadline,omitempty" yaml:"progressDeadline,omitempty"`
	// ScaleDownDelay is how long the previous stable release keeps running
	// after promotion, so in-flight requests drain and a rollback is instant.
	ScaleDownDelay Duration `json:"scaleDownDelay,omitempty" yaml:"scaleDownDelay,omitempty"`
	// FastRollback skips analysis steps and timed pauses when the canary is a
	// release that already passed analysis (rolling back to it or re-deploying
	// it). Smoke tests, weights and indefinite pauses still run.
	FastRollback bool `json:"fastRollback,omitempty" yaml:"fastRollback,omitempty"`
}

// Step is exactly one of SetWeight, Pause, Analysis or Smoke.
type Step struct {
	// SetWeight sends this percentage (0-100) of traffic to the canary.
	SetWeight *int `json:"setWeight,omitempty" yaml:"setWeight,omitempty"`
	// Pause waits for a duration, or until resumed when the duration is empty.
	Pause *PauseStep `json:"pause,omitempty" yaml:"pause,omitempty"`
	// Analysis measures SLI checks until the step's samples/duration are met.
	Analysis *AnalysisStep `json:"analysis,omitempty" yaml:"analysis,omitempty"`
	// Smoke runs a command and/or HTTP probes against the canary.
	Smoke *SmokeStep `json:"smoke,omitempty" yaml:"smoke,omitempty"`
}

// PauseStep waits. A zero Duration waits until a Resume or Promote command.
type PauseStep struct {
	Duration Duration `json:"duration,omitempty" yaml:"duration,omitempty"`
}

// AnalysisStep measures the named checks every Analysis.Interval. It
// completes once it has at least Samples rounds, at least Duration has passed,
// and the latest round passed every check.
type AnalysisStep struct {
	Checks   []string `json:"checks" yaml:"checks"`
	Duration Duration `json:"duration,omitempty" yaml:"duration,omitempty"`
	Samples  int      `json:"samples,omitempty" yaml:"samples,omitempty"`
}

// SmokeStep is a quick functional test of the canary. The driver runs the
// command (with the canary's address in its environment) and the HTTP probes,
// each bounded by Timeout, and reports one SmokeResult.
type SmokeStep struct {
	Command []string    `json:"command,omitempty" yaml:"command,omitempty"`
	HTTP    []HTTPProbe `json:"http,omitempty" yaml:"http,omitempty"`
	Timeout Duration    `json:"timeout,omitempty" yaml:"timeout,omitempty"`
}

// HTTPProbe is a GET of Path on the canary that must answer ExpectStatus.
type HTTPProbe struct {
	Path         string `json:"path" yaml:"path"`
	ExpectStatus int    `json:"expectStatus,omitempty" yaml:"expectStatus,omitempty"`
}

// AnalysisSettings are the cadence and limits shared by all analysis steps.
// Counters reset at the start of each analysis step; a rollout rolls back when
// a counter goes above its limit.
type AnalysisSettings struct {
	// Interval between measurement rounds.
	Interval Duration `json:"interval,omitempty" yaml:"interval,omitempty"`
	// Warmup delays the first round after the step starts.
	Warmup Duration `json:"warmup,omitempty" yaml:"warmup,omitempty"`
	// FailureLimit is how many Fail verdicts are tolerated (default 0).
	FailureLimit int `json:"failureLimit,omitempty" yaml:"failureLimit,omitempty"`
	// ConsecutiveErrorLimit is how many rounds in a row may contain a
	// provider Error (default 4; nil means default, so 0 can be written).
	ConsecutiveErrorLimit *int `json:"consecutiveErrorLimit,omitempty" yaml:"consecutiveErrorLimit,omitempty"`
	// InconclusiveLimit is how many Inconclusive verdicts are tolerated
	// (default 2). Exceeding it rolls back: a release nobody could measure is
	// not promoted, and rolling back needs no human to be safe.
	InconclusiveLimit *int `json:"inconclusiveLimit,omitempty" yaml:"inconclusiveLimit,omitempty"`
}

// Defaults used when a field is left empty.
const (
	DefaultInterval              = Duration(time.Minute)
	DefaultConsecutiveErrorLimit = 4
	DefaultInconclusiveLimit     = 2
	DefaultProgressDeadline      = Duration(10 * time.Minute)
	DefaultScaleDownDelay        = Duration(30 * time.Second)
	DefaultSmokeTimeout          = Duration(time.Minute)
	DefaultExpectStatus          = 200
)

// kind names the step's variant for messages and the decision log.
func (s Step) kind() string {
	switch {
	case s.SetWeight != nil:
		return "setWeight"
	case s.Pause != nil:
		return "pause"
	case s.Analysis != nil:
		return "analysis"
	case s.Smoke != nil:
		return "smoke"
	}
	return "empty"
}

// SampleStep is the metrics resolution analysis rounds of s should use: a
// fifth of the analysis interval (after defaults), between 100ms and 5s,
// so every round has several samples to judge.
func (s Spec) SampleStep() time.Duration {
	step := time.Duration(s.Defaults().Analysis.Interval) / 5
	return min(max(step, 100*time.Millisecond), 5*time.Second)
}
