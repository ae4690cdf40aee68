package config

import (
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestAlerts(t *testing.T) {
	c, err := Parse("pinwheel.yaml", []byte("service: a\nalerts:\n  pipelineMedian: \"+20%\"\n  leadTimeMedian: 2h\n  changeFailRate: 0.25\n  failedDeploysPerMonth: 2\n  recoveryTimeMedian: \"+0%\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.AlertsSection()
	if err != nil {
		t.Fatal(err)
	}
	want := []AlertRule{
		{Metric: "pipelineMedian", Relative: true, Limit: 0.2, Raw: "+20%", Line: 3, Col: 19},
		{Metric: "leadTimeMedian", Limit: 7200, Raw: "2h", Line: 4, Col: 19},
		{Metric: "changeFailRate", Limit: 0.25, Raw: "0.25", Line: 5, Col: 19},
		{Metric: "failedDeploysPerMonth", Limit: 2, Raw: "2", Line: 6, Col: 26},
		{Metric: "recoveryTimeMedian", Relative: true, Limit: 0, Raw: "+0%", Line: 7, Col: 23},
	}
	if len(a.Rules) != len(want) {
		t.Fatalf("rules %+v", a.Rules)
	}
	for i := range want {
		if a.Rules[i] != want[i] {
			t.Errorf("rule %d: %+v, want %+v", i, a.Rules[i], want[i])
		}
	}
}

// Bad values are input errors at file:line:col saying what was expected;
// building does not care (the section's error waits for its accessor).
func TestAlertsBadValues(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknownKey", "alerts:\n  pipelineP99: 1m\n", `pinwheel.yaml:3:3: alerts: unknown key "pipelineP99"`},
		{"rateAboveOne", "alerts:\n  changeFailRate: 1.5\n", `pinwheel.yaml:3:19: alerts.changeFailRate: expected a fraction from 0 to 1`},
		{"riseOnARate", "alerts:\n  changeFailRate: \"+5%\"\n", `pinwheel.yaml:3:19: alerts.changeFailRate: expected a fraction`},
		{"notADuration", "alerts:\n  pipelineMedian: soon\n", `pinwheel.yaml:3:19: alerts.pipelineMedian: expected a rise over the previous period such as "+20%" or an upper bound such as 15m, got "soon"`},
		{"negativeCount", "alerts:\n  failedDeploysPerMonth: -1\n", `pinwheel.yaml:3:26: alerts.failedDeploysPerMonth: expected a number ≥ 0`},
		{"notANumber", "alerts:\n  changeFailRate: NaN\n", `pinwheel.yaml:3:19: alerts.changeFailRate: expected a fraction`},
		{"infinite", "alerts:\n  failedDeploysPerMonth: .inf\n", `pinwheel.yaml:3:26: alerts.failedDeploysPerMonth: expected a number`},
		{"nanPercent", "alerts:\n  pipelineMedian: \"+NaN%\"\n", `pinwheel.yaml:3:19: alerts.pipelineMedian: expected a percentage`},
		{"list", "alerts: [1]\n", `pinwheel.yaml:2:9: alerts: expected a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pinwheel.yaml", []byte("service: a\n"+tt.yaml))
			if err != nil {
				t.Fatalf("parse refused the file over its alerts: section: %v", err)
			}
			_, err = c.AlertsSection()
			if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzAlerts(f *testing.F) {
	for _, s := range []string{"pipelineMedian: \"+20%\"", "changeFailRate: 25%", "leadTimeMedian: 1h30m", "failedDeploysPerMonth: 1e3", "x: y", "changeFailRate: [1]", "buildMedian: +%"} {
		f.Add("alerts:\n  " + s + "\n")
	}
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := Parse("f.yaml", []byte("service: a\n"+doc))
		if err != nil {
			return
		}
		if _, err := c.AlertsSection(); err != nil && !inputerr.Is(err) {
			t.Fatalf("non-input error: %T %v", err, err)
		}
	})
}
