package analysis

import (
	"fmt"
	"slices"
)

// evalCompare fails when the canary's values are significantly larger than
// the stable release's values scaled by (1+Tolerance): a one-sided
// Mann-Whitney U test of canary > stable×(1+Tolerance) at level Alpha. Scaling
// the stable sample first makes the test answer the question that matters —
// "is the canary slower by more than the tolerance?" — instead of flagging
// differences too small to care about. Larger is worse (latency, error
// counts) unless LowerIsWorse, which tests stable×(1-Tolerance) > canary.
func evalCompare(c Check, m Measurement, v Verdict) Verdict {
	canary, cd := finite(m.Canary)
	stable, sd := finite(m.Stable)
	v.Evidence.Samples, v.Evidence.StableSamples, v.Evidence.Dropped = len(canary), len(stable), cd+sd
	sign, factor := "+", 1+c.Tolerance
	if c.LowerIsWorse {
		sign, factor = "-", 1-c.Tolerance
	}
	v.Evidence.Threshold = fmt.Sprintf("%s%s%% at alpha %s", sign, g(c.Tolerance*100), g(c.Alpha))
	if len(canary) < c.MinSamples {
		return tooFew(v, c.Name+" canary", len(canary), c.MinSamples, cd)
	}
	if len(stable) < c.MinSamples {
		return tooFew(v, c.Name+" stable", len(stable), c.MinSamples, sd)
	}
	scaled := make([]float64, len(stable))
	for i, x := range stable {
		scaled[i] = x * factor
	}
	if slices.ContainsFunc(scaled, func(f float64) bool { return !isFinite(f) }) {
		v.Outcome, v.Reason = Inconclusive, "stable values overflow when scaled by the tolerance"
		return v
	}
	res := MannWhitneyGreater(canary, scaled)
	if c.LowerIsWorse {
		res = MannWhitneyGreater(scaled, canary)
	}
	cm, sm := median(canary), median(stable)
	v.Evidence.Value, v.Evidence.StableValue, v.Evidence.PValue = num(cm), num(sm), num(res.P)
	// Effect size: the probability that a value from the worse-if-larger side
	// exceeds one from the other, U/(n1·n2); 0.5 means no difference.
	v.Evidence.EffectSize = num(res.U / float64(len(canary)*len(scaled)))
	change := "n/a"
	if sm != 0 {
		change = fmt.Sprintf("%+.1f%%", (cm/sm-1)*100)
	}
	detail := fmt.Sprintf("canary median %s vs stable %s (%s, tolerance %s%s%%), Mann-Whitney p=%.3g over %d/%d samples",
		g(cm), g(sm), change, sign, g(c.Tolerance*100), res.P, len(canary), len(stable))
	if res.P < c.Alpha {
		v.Outcome, v.Reason = Fail, detail+fmt.Sprintf(" < alpha %s: canary significantly worse", g(c.Alpha))
	} else {
		v.Outcome, v.Reason = Pass, detail+fmt.Sprintf(" >= alpha %s", g(c.Alpha))
	}
	return v
}

// median of finite, non-empty vals.
func median(vals []float64) float64 {
	s := slices.Clone(vals)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
