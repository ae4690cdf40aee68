package config

import (
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Alerts is the alerts: section of pinwheel.yaml: bounds on the
// scorecard's numbers that `pinwheel scorecard --alert` reports through
// the notifiers when breached. The scorecard evaluates them; config
// checks their shape.
//
//	alerts:
//	  pipelineMedian: "+20%"      # median pipeline time up 20% on the previous period
//	  leadTimeMedian: 2h          # or an upper bound
//	  changeFailRate: 0.25        # a fraction (or "25%")
//	  failedDeploysPerMonth: 2
type Alerts struct {
	Rules []AlertRule
}

// AlertRule is one bound.
type AlertRule struct {
	// Metric is the key: one of AlertMetrics.
	Metric string
	// Relative: Limit is the largest allowed rise over the previous
	// period, as a fraction ("+20%" is 0.2). Otherwise Limit is an upper
	// bound in the metric's unit (seconds for times, a fraction for rates).
	Relative bool
	Limit    float64
	// Raw is the value as written, for messages.
	Raw       string
	Line, Col int
}

// AlertKind is what values an alert key takes.
type AlertKind int

// The kinds of alert keys.
const (
	AlertTime  AlertKind = iota // a duration bound ("15m") or a rise ("+20%")
	AlertRate                   // a fraction 0..1 or a percentage ("25%")
	AlertCount                  // a number ≥ 0
)

// AlertMetrics are the alert keys and their kinds.
var AlertMetrics = map[string]AlertKind{
	"pipelineMedian":        AlertTime,
	"buildMedian":           AlertTime,
	"rolloutMedian":         AlertTime,
	"leadTimeMedian":        AlertTime,
	"recoveryTimeMedian":    AlertTime,
	"changeFailRate":        AlertRate,
	"failedDeploysPerMonth": AlertCount,
}

// AlertsSection is the alerts: section, or its first problem at file:line:col.
func (c *Config) AlertsSection() (Alerts, error) { return c.Alerts, c.sectionErr["alerts"] }

func decodeAlerts(node *yaml.Node, path string) (Alerts, error) {
	var a Alerts
	if isNull(node) {
		return a, nil
	}
	d := walker{path: path}
	fs := fields{}
	for name, kind := range AlertMetrics {
		fs[name] = func(_, v *yaml.Node) error {
			r, err := d.alertRule(v, name, kind)
			a.Rules = append(a.Rules, r)
			return err
		}
	}
	err := d.mapping(node, "alerts", fs)
	return a, err
}

func (d walker) alertRule(v *yaml.Node, name string, kind AlertKind) (AlertRule, error) {
	v = deref(v)
	r := AlertRule{Metric: name, Raw: v.Value, Line: v.Line, Col: v.Column}
	key := "alerts." + name
	if v.Kind != yaml.ScalarNode {
		return r, d.at(v, "%s: expected a value, got %s", key, kindName(v))
	}
	s := strings.TrimSpace(v.Value)
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimPrefix(pct, "+"), 64)
		switch {
		case err != nil || !(f >= 0) || math.IsInf(f, 0): // NaN, too
			return r, d.at(v, "%s: expected a percentage such as +20%%, got %q", key, s)
		case kind == AlertTime && strings.HasPrefix(pct, "+"):
			r.Relative, r.Limit = true, f/100
			return r, nil
		case kind == AlertRate && !strings.HasPrefix(pct, "+") && f <= 100:
			r.Limit = f / 100
			return r, nil
		}
		return r, d.at(v, "%s: %s", key, expect(kind, s))
	}
	switch kind {
	case AlertTime:
		dur, err := time.ParseDuration(s)
		if err != nil || dur <= 0 {
			return r, d.at(v, "%s: %s", key, expect(kind, s))
		}
		r.Limit = dur.Seconds()
	case AlertRate, AlertCount:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0) || math.IsInf(f, 0) || (kind == AlertRate && f > 1) {
			return r, d.at(v, "%s: %s", key, expect(kind, s))
		}
		r.Limit = f
	}
	return r, nil
}

func expect(kind AlertKind, got string) string {
	want := map[AlertKind]string{
		AlertTime:  `a rise over the previous period such as "+20%" or an upper bound such as 15m`,
		AlertRate:  `a fraction from 0 to 1 such as 0.25, or a percentage such as "25%"`,
		AlertCount: "a number ≥ 0",
	}[kind]
	return "expected " + want + ", got " + strconv.Quote(got)
}
