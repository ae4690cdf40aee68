package analysis

import (
	"fmt"
	"strconv"
)

// Outcome is a verdict's result.
type Outcome string

// The outcomes. Only Pass lets a rollout continue.
const (
	Pass         Outcome = "Pass"
	Fail         Outcome = "Fail"
	Inconclusive Outcome = "Inconclusive"
	Error        Outcome = "Error"
)

// Verdict is the result of evaluating one check against one measurement.
type Verdict struct {
	Check    string   `json:"check"`
	Kind     Kind     `json:"kind"`
	Outcome  Outcome  `json:"outcome"`
	Reason   string   `json:"reason"`
	Evidence Evidence `json:"evidence"`
}

// Evidence is what a verdict was based on. Every float here is finite (JSON
// has no NaN); absent values are nil.
type Evidence struct {
	Query string `json:"query,omitempty"`
	// Value is the threshold check's aggregate, or the canary median for compare.
	Value *float64 `json:"value,omitempty"`
	// StableValue is the stable median for compare.
	StableValue *float64 `json:"stableValue,omitempty"`
	// Threshold states the limit in words: "max 0.05", "burn 14.4x", "+10% at alpha 0.05".
	Threshold     string `json:"threshold,omitempty"`
	Samples       int    `json:"samples"`
	StableSamples int    `json:"stableSamples,omitempty"`
	// Dropped counts NaN/±Inf samples that were ignored.
	Dropped    int      `json:"dropped,omitempty"`
	FastBurn   *float64 `json:"fastBurn,omitempty"`
	SlowBurn   *float64 `json:"slowBurn,omitempty"`
	PValue     *float64 `json:"pValue,omitempty"`
	EffectSize *float64 `json:"effectSize,omitempty"`
}

// String is a one-line summary: "error-rate: Fail (error rate 0.062 > max 0.05 over 120 samples)".
func (v Verdict) String() string {
	return fmt.Sprintf("%s: %s (%s)", v.Check, v.Outcome, v.Reason)
}

// num returns a pointer to f if it is finite, else nil.
func num(f float64) *float64 {
	if !isFinite(f) {
		return nil
	}
	return &f
}

// g formats a number compactly for reasons.
func g(f float64) string { return strconv.FormatFloat(f, 'g', 4, 64) }
