package analysis

import "fmt"

func evalThreshold(c Check, m Measurement, v Verdict) Verdict {
	vals, dropped := finite(byTime(m.Canary))
	v.Evidence.Samples, v.Evidence.Dropped = len(vals), dropped
	v.Evidence.Threshold = thresholdText(c)
	if len(vals) < c.MinSamples {
		return tooFew(v, c.Name, len(vals), c.MinSamples, dropped)
	}
	value := aggregate(c.Aggregate, vals)
	if !isFinite(value) {
		v.Outcome, v.Reason = Inconclusive, fmt.Sprintf("%s of %d samples is not a finite number", c.Aggregate, len(vals))
		return v
	}
	v.Evidence.Value = num(value)
	label := c.Name
	if c.Aggregate != Mean {
		label = fmt.Sprintf("%s (%s)", c.Name, c.Aggregate)
	}
	over := fmt.Sprintf("over %d samples", len(vals))
	switch {
	case c.Max != nil && value > *c.Max:
		v.Outcome, v.Reason = Fail, fmt.Sprintf("%s %s > max %s %s", label, g(value), g(*c.Max), over)
	case c.Min != nil && value < *c.Min:
		v.Outcome, v.Reason = Fail, fmt.Sprintf("%s %s < min %s %s", label, g(value), g(*c.Min), over)
	default:
		v.Outcome, v.Reason = Pass, fmt.Sprintf("%s %s within %s %s", label, g(value), v.Evidence.Threshold, over)
	}
	return v
}

func thresholdText(c Check) string {
	switch {
	case c.Min != nil && c.Max != nil:
		return fmt.Sprintf("[%s, %s]", g(*c.Min), g(*c.Max))
	case c.Max != nil:
		return "max " + g(*c.Max)
	case c.Min != nil:
		return "min " + g(*c.Min)
	}
	return ""
}

// aggregate reduces vals (non-empty, finite) to one value.
func aggregate(a Aggregate, vals []float64) float64 {
	switch a {
	case Max:
		m := vals[0]
		for _, x := range vals[1:] {
			m = max(m, x)
		}
		return m
	case Min:
		m := vals[0]
		for _, x := range vals[1:] {
			m = min(m, x)
		}
		return m
	case Last:
		return vals[len(vals)-1]
	default:
		return mean(vals)
	}
}

// mean is the arithmetic mean, computed incrementally so that large finite
// values do not overflow a running sum.
func mean(vals []float64) float64 {
	m := 0.0
	for i, x := range vals {
		m += (x - m) / float64(i+1)
	}
	return m
}
