package analysis

import (
	"errors"
	"fmt"
	"math"
)

// Kind names a check's evaluation method.
type Kind string

// The check kinds.
const (
	// Threshold compares an aggregate of the canary's samples with Min and/or Max.
	Threshold Kind = "threshold"
	// BurnRate fails when the error budget burns faster than BurnFactor over
	// both the fast and the slow window.
	BurnRate Kind = "burnRate"
	// Compare fails when the canary is significantly worse than the stable
	// release by more than Tolerance (one-sided Mann-Whitney U test).
	Compare Kind = "compare"
)

// Aggregate says how a threshold check reduces samples to one value.
type Aggregate string

// The aggregates a threshold check accepts.
const (
	Mean Aggregate = "mean"
	Max  Aggregate = "max"
	Min  Aggregate = "min"
	Last Aggregate = "last"
)

// Check is one SLI check as written in pinwheel.yaml. Which fields apply
// depends on Kind; Validate says which are missing or misplaced.
type Check struct {
	Name  string `json:"name" yaml:"name"`
	Kind  Kind   `json:"kind" yaml:"kind"`
	Query string `json:"query,omitempty" yaml:"query,omitempty"`
	// MinSamples is the fewest finite samples (per release, per window for
	// burnRate's fast window) a verdict other than Inconclusive needs.
	MinSamples int `json:"minSamples,omitempty" yaml:"minSamples,omitempty"`

	// Threshold: the value must lie in [Min, Max] (either may be omitted).
	Min       *float64  `json:"min,omitempty" yaml:"min,omitempty"`
	Max       *float64  `json:"max,omitempty" yaml:"max,omitempty"`
	Aggregate Aggregate `json:"aggregate,omitempty" yaml:"aggregate,omitempty"`

	// BurnRate: samples are error ratios (0..1). Objective is the SLO target
	// (0.999 means 99.9% good), windows are measured back from the newest sample.
	Objective  float64  `json:"objective,omitempty" yaml:"objective,omitempty"`
	FastWindow Duration `json:"fastWindow,omitempty" yaml:"fastWindow,omitempty"`
	SlowWindow Duration `json:"slowWindow,omitempty" yaml:"slowWindow,omitempty"`
	BurnFactor float64  `json:"burnFactor,omitempty" yaml:"burnFactor,omitempty"`

	// Compare: fail only if the canary is larger than the stable release
	// scaled by (1+Tolerance) with one-sided significance Alpha. With
	// LowerIsWorse (throughput, success ratio) it fails only if the canary is
	// smaller than stable scaled by (1-Tolerance).
	Alpha        float64 `json:"alpha,omitempty" yaml:"alpha,omitempty"`
	Tolerance    float64 `json:"tolerance,omitempty" yaml:"tolerance,omitempty"`
	LowerIsWorse bool    `json:"lowerIsWorse,omitempty" yaml:"lowerIsWorse,omitempty"`
}

// Defaults for fields left empty.
const (
	DefaultMinSamples = 3
	DefaultAlpha      = 0.05
	DefaultTolerance  = 0.10
	DefaultBurnFactor = 14.4
	DefaultFastWindow = Duration(5 * 60 * 1e9)
	DefaultSlowWindow = Duration(60 * 60 * 1e9)
)

// Defaults returns c with empty fields filled in for its kind.
func (c Check) Defaults() Check {
	if c.MinSamples == 0 {
		c.MinSamples = DefaultMinSamples
	}
	switch c.Kind {
	case Threshold:
		if c.Aggregate == "" {
			c.Aggregate = Mean
		}
	case BurnRate:
		if c.BurnFactor == 0 {
			c.BurnFactor = DefaultBurnFactor
		}
		if c.FastWindow == 0 {
			c.FastWindow = DefaultFastWindow
		}
		if c.SlowWindow == 0 {
			c.SlowWindow = DefaultSlowWindow
		}
	case Compare:
		if c.Alpha == 0 {
			c.Alpha = DefaultAlpha
		}
		if c.Tolerance == 0 {
			c.Tolerance = DefaultTolerance
		}
	}
	return c
}

// FieldError is one problem with one field of a check, named by its YAML key.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Validate reports every problem with c (after Defaults) as one error
// joining *FieldError values; each names the field and what was expected.
func (c Check) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if c.Name == "" {
		bad("name", "required")
	}
	if c.MinSamples < 1 {
		bad("minSamples", "must be at least 1, got %d", c.MinSamples)
	}
	switch c.Kind {
	case Threshold:
		if c.Min == nil && c.Max == nil {
			bad("max", "a threshold check needs min, max or both")
		}
		switch {
		case c.Min != nil && !isFinite(*c.Min):
			bad("min", "must be a finite number")
		case c.Max != nil && !isFinite(*c.Max):
			bad("max", "must be a finite number")
		case c.Min != nil && c.Max != nil && *c.Min > *c.Max:
			bad("min", "min %g is greater than max %g", *c.Min, *c.Max)
		}
		switch c.Aggregate {
		case Mean, Max, Min, Last:
		default:
			bad("aggregate", "expected mean, max, min or last, got %q", c.Aggregate)
		}
	case BurnRate:
		if !(c.Objective > 0 && c.Objective < 1) {
			bad("objective", "expected the SLO target as a fraction between 0 and 1 (0.999 for 99.9%%), got %g", c.Objective)
		}
		switch {
		case c.FastWindow <= 0:
			bad("fastWindow", "must be a positive duration, got %s", c.FastWindow)
		case c.SlowWindow <= 0:
			bad("slowWindow", "must be a positive duration, got %s", c.SlowWindow)
		case c.FastWindow >= c.SlowWindow:
			bad("fastWindow", "fastWindow %s must be shorter than slowWindow %s", c.FastWindow, c.SlowWindow)
		}
		if !(c.BurnFactor > 0) || !isFinite(c.BurnFactor) {
			bad("burnFactor", "must be a positive number, got %g", c.BurnFactor)
		}
	case Compare:
		if !(c.Alpha > 0 && c.Alpha < 1) {
			bad("alpha", "expected a significance level between 0 and 1, got %g", c.Alpha)
		}
		if !(c.Tolerance >= 0) || !isFinite(c.Tolerance) {
			bad("tolerance", "expected a non-negative fraction (0.1 for 10%%), got %g", c.Tolerance)
		} else if c.LowerIsWorse && c.Tolerance >= 1 {
			bad("tolerance", "with lowerIsWorse the tolerance must be below 1 (100%%), got %g", c.Tolerance)
		}
	case "":
		bad("kind", "required: threshold, burnRate or compare")
	default:
		bad("kind", "expected threshold, burnRate or compare, got %q", c.Kind)
	}
	return errors.Join(errs...)
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
