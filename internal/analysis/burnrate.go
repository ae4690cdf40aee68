package analysis

import (
	"fmt"
	"time"
)

// evalBurnRate implements multi-window burn-rate alerting (Google SRE
// workbook, "Alerting on SLOs", multiwindow multi-burn-rate): the canary's
// error ratio divided by the error budget (1 - Objective) is the burn rate;
// the check fails only when the burn rate exceeds BurnFactor over both the
// fast and the slow window. Windows end at the newest sample, so the result
// depends on the data alone, not on a clock. The error ratio of a window is the
// mean of the per-interval ratios in it (providers sample at a fixed interval).
func evalBurnRate(c Check, m Measurement, v Verdict) Verdict {
	samples := byTime(m.Canary)
	budget := 1 - c.Objective
	v.Evidence.Threshold = fmt.Sprintf("burn %sx over %s and %s (SLO %s)", g(c.BurnFactor), c.FastWindow, c.SlowWindow, g(c.Objective*100)+"%")
	fast, fastDropped := finite(window(samples, c.FastWindow.D()))
	slow, slowDropped := finite(window(samples, c.SlowWindow.D()))
	v.Evidence.Samples, v.Evidence.Dropped = len(slow), slowDropped
	if len(fast) < c.MinSamples {
		return tooFew(v, c.Name+" fast window "+c.FastWindow.String(), len(fast), c.MinSamples, fastDropped)
	}
	fastBurn, slowBurn := mean(fast)/budget, mean(slow)/budget
	if !isFinite(fastBurn) || !isFinite(slowBurn) {
		v.Outcome, v.Reason = Inconclusive, "burn rate is not a finite number"
		return v
	}
	v.Evidence.FastBurn, v.Evidence.SlowBurn = num(fastBurn), num(slowBurn)
	detail := fmt.Sprintf("burn rate %sx over %s (%d samples), %sx over %s (%d samples), limit %sx",
		g(fastBurn), c.FastWindow, len(fast), g(slowBurn), c.SlowWindow, len(slow), g(c.BurnFactor))
	switch {
	case fastBurn > c.BurnFactor && slowBurn > c.BurnFactor:
		v.Outcome, v.Reason = Fail, detail+": both windows exceed"
	case fastBurn > c.BurnFactor:
		v.Outcome, v.Reason = Pass, detail+": only the fast window exceeds"
	case slowBurn > c.BurnFactor:
		v.Outcome, v.Reason = Pass, detail+": only the slow window exceeds"
	default:
		v.Outcome, v.Reason = Pass, detail
	}
	return v
}

// window returns the samples (ordered by time) within d of the newest one.
func window(samples []Sample, d time.Duration) []Sample {
	if len(samples) == 0 {
		return nil
	}
	from := samples[len(samples)-1].Time.Add(-d)
	i := len(samples)
	for i > 0 && samples[i-1].Time.After(from) {
		i--
	}
	return samples[i:]
}
