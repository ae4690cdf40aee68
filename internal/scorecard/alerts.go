package scorecard

import (
	"fmt"

	"pinwheel.dev/pinwheel/internal/config"
)

// Breach is one alert rule a service's numbers broke, with the numbers.
type Breach struct {
	Service string `json:"service"`
	Metric  string `json:"metric"`
	// Value is this period's number, Previous the period before's (for a
	// rise), Limit the bound it broke — all in the metric's unit: seconds
	// for times, a fraction for rates.
	Value    float64  `json:"value"`
	Previous *float64 `json:"previous,omitempty"`
	Limit    float64  `json:"limit"`
	// Rule is the rule as written and where: "pipelineMedian: +20% (pinwheel.yaml:31:19)".
	Rule    string `json:"rule"`
	Period  Period `json:"period"`
	Message string `json:"message"`
}

// Check returns the rules r's services break, service by service in rule
// order. A metric with nothing measured breaks nothing; a rise needs a
// previous value to rise from.
func Check(r Report, a config.Alerts, file string) []Breach {
	var out []Breach
	for _, s := range r.Services {
		for _, rule := range a.Rules {
			cur, ok := value(s.Current, rule.Metric)
			if !ok {
				continue
			}
			b := Breach{Service: s.Name, Metric: rule.Metric, Value: cur, Period: r.Period,
				Rule: fmt.Sprintf("%s: %s (%s:%d:%d)", rule.Metric, rule.Raw, file, rule.Line, rule.Col)}
			if rule.Relative {
				prev, ok := value(s.Previous, rule.Metric)
				if !ok || prev <= 0 || cur <= prev*(1+rule.Limit) {
					continue
				}
				b.Previous, b.Limit = &prev, prev*(1+rule.Limit)
				b.Message = fmt.Sprintf("%s: %s %s, up %.0f%% on the previous period's %s (allowed: +%.0f%%)",
					s.Name, rule.Metric, show(rule.Metric, cur), 100*(cur-prev)/prev, show(rule.Metric, prev), 100*rule.Limit)
			} else {
				if cur <= rule.Limit {
					continue
				}
				b.Limit = rule.Limit
				b.Message = fmt.Sprintf("%s: %s %s, above the bound %s", s.Name, rule.Metric, show(rule.Metric, cur), show(rule.Metric, rule.Limit))
			}
			b.Message += fmt.Sprintf(" for %s", r.Period)
			out = append(out, b)
		}
	}
	return out
}

// value is m's number for an alert metric, and whether it was measured.
func value(m Metrics, metric string) (float64, bool) {
	med := func(s *Stat) (float64, bool) {
		if s == nil {
			return 0, false
		}
		return s.Median, true
	}
	switch metric {
	case "pipelineMedian":
		return med(m.PipelineTime)
	case "buildMedian":
		return med(m.BuildTime)
	case "rolloutMedian":
		return med(m.RolloutTime)
	case "leadTimeMedian":
		return med(m.LeadTime)
	case "recoveryTimeMedian":
		return med(m.RecoveryTime)
	case "changeFailRate":
		if m.ChangeFailRate == nil {
			return 0, false
		}
		return m.ChangeFailRate.Value, true
	case "failedDeploysPerMonth":
		return m.FailedPerMonth, true
	}
	return 0, false
}

func show(metric string, v float64) string {
	switch config.AlertMetrics[metric] {
	case config.AlertTime:
		return duration(v)
	case config.AlertRate:
		return fmt.Sprintf("%.0f%%", 100*v)
	}
	return fmt.Sprintf("%.1f", v)
}
