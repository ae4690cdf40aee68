package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Strategy mirrors internal/rollout.Spec (the `rollout:` section of
// pinwheel.yaml) field for field, with the same JSON names, so a strategy
// written for the local runtime is a valid Release strategy. Durations are
// Go duration strings ("30s", "5m"). Convert with RolloutSpec.
type Strategy struct {
	// Steps run in order; after the last one the canary is promoted.
	// +kubebuilder:validation:MinItems=1
	Steps []Step `json:"steps"`
	// Checks are the SLI checks analysis steps refer to by name.
	// +optional
	Checks []Check `json:"checks,omitempty"`
	// Analysis holds the measurement cadence and tolerance limits.
	// +optional
	Analysis AnalysisSettings `json:"analysis,omitempty"`
	// ProgressDeadline bounds every wait on the cluster or a metrics
	// provider; exceeding it rolls back.
	// +optional
	ProgressDeadline *metav1.Duration `json:"progressDeadline,omitempty"`
	// ScaleDownDelay is how long the previous stable template keeps its
	// replicas after promotion.
	// +optional
	ScaleDownDelay *metav1.Duration `json:"scaleDownDelay,omitempty"`
	// FastRollback skips analysis and timed pauses for a canary that
	// already passed analysis.
	// +optional
	FastRollback bool `json:"fastRollback,omitempty"`
}

// Step is exactly one of setWeight, pause, analysis or smoke.
//
// +kubebuilder:validation:MinProperties=1
// +kubebuilder:validation:MaxProperties=1
type Step struct {
	// SetWeight sends this percentage of traffic to the canary.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	SetWeight *int32 `json:"setWeight,omitempty"`
	// Pause waits for a duration, or until resumed when it has none.
	// +optional
	Pause *PauseStep `json:"pause,omitempty"`
	// Analysis measures SLI checks.
	// +optional
	Analysis *AnalysisStep `json:"analysis,omitempty"`
	// Smoke runs a Job in the release's image and HTTP probes against it.
	// +optional
	Smoke *SmokeStep `json:"smoke,omitempty"`
}

// PauseStep waits; with no duration, until a person resumes or promotes.
type PauseStep struct {
	// +optional
	Duration *metav1.Duration `json:"duration,omitempty"`
}

// AnalysisStep measures the named checks until it has enough rounds.
type AnalysisStep struct {
	// +kubebuilder:validation:MinItems=1
	Checks []string `json:"checks"`
	// +optional
	Duration *metav1.Duration `json:"duration,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	Samples int32 `json:"samples,omitempty"`
}

// SmokeStep is a quick functional test of the canary: Command runs as a
// Job in the canary's image (CANARY_URL set to the canary's address), and
// each HTTP probe is a GET against the canary's pods.
type SmokeStep struct {
	// +optional
	Command []string `json:"command,omitempty"`
	// +optional
	HTTP []HTTPProbe `json:"http,omitempty"`
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`
}

// HTTPProbe is a GET of Path that must answer ExpectStatus (default 200).
type HTTPProbe struct {
	// +kubebuilder:validation:Pattern=`^/`
	Path string `json:"path"`
	// +kubebuilder:validation:Minimum=100
	// +kubebuilder:validation:Maximum=599
	// +optional
	ExpectStatus int32 `json:"expectStatus,omitempty"`
}

// AnalysisSettings are the cadence and limits shared by analysis steps.
type AnalysisSettings struct {
	// +optional
	Interval *metav1.Duration `json:"interval,omitempty"`
	// +optional
	Warmup *metav1.Duration `json:"warmup,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	FailureLimit int32 `json:"failureLimit,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	ConsecutiveErrorLimit *int32 `json:"consecutiveErrorLimit,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	InconclusiveLimit *int32 `json:"inconclusiveLimit,omitempty"`
}

// Check is one SLI check (internal/analysis.Check).
type Check struct {
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// +kubebuilder:validation:Enum=threshold;burnRate;compare
	Kind string `json:"kind"`
	// Query is the provider's query (PromQL for Prometheus), templated with
	// service, namespace and revision.
	// +optional
	Query string `json:"query,omitempty"`
	// +optional
	MinSamples int32 `json:"minSamples,omitempty"`
	// +optional
	Min *float64 `json:"min,omitempty"`
	// +optional
	Max *float64 `json:"max,omitempty"`
	// +kubebuilder:validation:Enum=mean;max;min;last
	// +optional
	Aggregate string `json:"aggregate,omitempty"`
	// +optional
	Objective float64 `json:"objective,omitempty"`
	// +optional
	FastWindow *metav1.Duration `json:"fastWindow,omitempty"`
	// +optional
	SlowWindow *metav1.Duration `json:"slowWindow,omitempty"`
	// +optional
	BurnFactor float64 `json:"burnFactor,omitempty"`
	// +optional
	Alpha float64 `json:"alpha,omitempty"`
	// +optional
	Tolerance float64 `json:"tolerance,omitempty"`
	// +optional
	LowerIsWorse bool `json:"lowerIsWorse,omitempty"`
}

// BuildInfo mirrors internal/attest.BuildInfo with the same JSON names.
type BuildInfo struct {
	// +kubebuilder:validation:MinLength=1
	Service string `json:"service"`
	// +optional
	Version string `json:"version,omitempty"`
	// +optional
	GitCommit string `json:"gitCommit,omitempty"`
	// +optional
	GitDirty bool `json:"gitDirty,omitempty"`
	// +optional
	GitSource string `json:"gitSource,omitempty"`
	// +optional
	GitCommitTime *metav1.Time `json:"gitCommitTime,omitempty"`
	// +optional
	LockHash string `json:"lockHash,omitempty"`
	// +optional
	LockFormat string `json:"lockFormat,omitempty"`
	// +optional
	PythonVersion string `json:"pythonVersion,omitempty"`
	// +optional
	BaseImage string `json:"baseImage,omitempty"`
	// +optional
	BaseDigest string `json:"baseDigest,omitempty"`
	// +optional
	ImageDigest string `json:"imageDigest,omitempty"`
	// +optional
	ImageRef string `json:"imageRef,omitempty"`
	// +optional
	BuilderVersion string `json:"builderVersion,omitempty"`
	// +optional
	CIProvider string `json:"ciProvider,omitempty"`
	// +optional
	CIRunID string `json:"ciRunId,omitempty"`
	// +optional
	CIRunURL string `json:"ciRunUrl,omitempty"`
	// +optional
	Reproducible bool `json:"reproducible,omitempty"`
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// +optional
	DurationMS int64 `json:"durationMs,omitempty"`
	// +optional
	CacheHits int32 `json:"cacheHits,omitempty"`
	// +optional
	CacheMisses int32 `json:"cacheMisses,omitempty"`
	// Cache breaks the build's cache use down by kind.
	// +optional
	Cache *CacheStats `json:"cache,omitempty"`
	// SourceBuilds are the packages installed from a wheel pinwheel built
	// from their source distribution.
	// +optional
	// +listType=atomic
	SourceBuilds []SourceBuild `json:"sourceBuilds,omitempty"`
}

// CacheStats counts a build's cache hits and misses by kind.
type CacheStats struct {
	Wheels CacheCount `json:"wheels"`
	Debs   CacheCount `json:"debs"`
	Layers CacheCount `json:"layers"`
}

// CacheCount is hits and misses of one cache.
type CacheCount struct {
	Hits   int32 `json:"hits"`
	Misses int32 `json:"misses"`
}

// SourceBuild names a package built from its sdist, by file and hash.
type SourceBuild struct {
	Package string `json:"package"`
	Version string `json:"version"`
	// Source is the sdist's file name.
	Source       string `json:"source"`
	SourceSHA256 string `json:"sourceSha256"`
}
