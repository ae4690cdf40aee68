package scorecard

import (
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
)

func TestCheck(t *testing.T) {
	p := Period{Since: t0, Until: t0.Add(10 * 24 * time.Hour)}
	r := Compute(records(), p)
	c, err := config.Parse("pinwheel.yaml", []byte("service: shop\nalerts:\n  pipelineMedian: \"+50%\"\n  changeFailRate: 0.3\n  leadTimeMedian: 3h\n  buildMedian: \"+0%\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.AlertsSection()
	if err != nil {
		t.Fatal(err)
	}
	got := Check(r, a, "pinwheel.yaml")
	// shop: pipeline 3m20s against 1m40s (+100% > +50%), fail rate 33% >
	// 30%; its build median fell (20s from 40s); its lead time is 1h33m.
	// api: fail rate 33% > 30%; no previous period to rise from.
	var lines []string
	for _, b := range got {
		lines = append(lines, b.Message)
	}
	want := []string{
		"api: changeFailRate 33%, above the bound 30% for 2026-11-01 00:00:00 → 2026-11-11 00:00:00",
		"shop: pipelineMedian 3m20s, up 100% on the previous period's 1m40s (allowed: +50%) for 2026-11-01 00:00:00 → 2026-11-11 00:00:00",
		"shop: changeFailRate 33%, above the bound 30% for 2026-11-01 00:00:00 → 2026-11-11 00:00:00",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("breaches:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if b := got[1]; b.Value != 200 || b.Previous == nil || *b.Previous != 100 || b.Limit != 150 || b.Rule != "pipelineMedian: +50% (pinwheel.yaml:3:19)" {
		t.Errorf("pipeline breach %+v", b)
	}
}
