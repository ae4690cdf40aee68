package analysis

import "fmt"

// Evaluate judges one measurement against one check. It never panics and
// never passes on too little data: a provider error is Error, fewer than
// MinSamples finite samples (or a non-finite result) is Inconclusive.
// The check is used as given; call Defaults first when it came from YAML.
func Evaluate(c Check, m Measurement) Verdict {
	v := Verdict{Check: c.Name, Kind: c.Kind, Evidence: Evidence{Query: m.Query}}
	if v.Evidence.Query == "" {
		v.Evidence.Query = c.Query
	}
	if m.Err != "" {
		v.Outcome, v.Reason = Error, "metrics provider: "+m.Err
		return v
	}
	if err := c.Validate(); err != nil {
		v.Outcome, v.Reason = Error, fmt.Sprintf("invalid check: %v", err)
		return v
	}
	switch c.Kind {
	case Threshold:
		return evalThreshold(c, m, v)
	case BurnRate:
		return evalBurnRate(c, m, v)
	default:
		return evalCompare(c, m, v)
	}
}

// tooFew fills v as Inconclusive for lack of data.
func tooFew(v Verdict, what string, got, need, dropped int) Verdict {
	v.Outcome = Inconclusive
	v.Reason = fmt.Sprintf("%s: %d samples, need at least %d", what, got, need)
	if dropped > 0 {
		v.Reason += fmt.Sprintf(" (%d NaN/Inf samples ignored)", dropped)
	}
	return v
}
