package scorecard

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"
)

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes r as tables: one per service, then every service
// together when there is more than one.
func WriteText(w io.Writer, r Report) error {
	fmt.Fprintf(w, "scorecard %s (%s), against %s\n", r.Period, span(r.Period), r.Previous)
	for _, s := range r.Services {
		fmt.Fprintf(w, "\n%s\n", s.Name)
		if err := writeTable(w, s.Comparison); err != nil {
			return err
		}
	}
	if len(r.Services) != 1 {
		fmt.Fprintf(w, "\nall services\n")
		if err := writeTable(w, r.Overall); err != nil {
			return err
		}
	}
	if len(r.Missing) > 0 {
		fmt.Fprintln(w)
		for _, m := range r.Missing {
			fmt.Fprintf(w, "not measured: %s\n", m)
		}
	}
	return nil
}

func span(p Period) string {
	d := p.Until.Sub(p.Since)
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

type row struct{ name, cur, prev, change string }

func writeTable(w io.Writer, c Comparison) error {
	cur, prev := c.Current, c.Previous
	rows := []row{
		countRow("deployments", cur.Deployments, prev.Deployments),
		{"deployment frequency", perWeek(cur.DeploymentsPerWeek), perWeek(prev.DeploymentsPerWeek), relative(cur.DeploymentsPerWeek, prev.DeploymentsPerWeek, prev.Deployments > 0)},
		statRow("change lead time", cur.LeadTime, prev.LeadTime, false),
		ratioRow("change fail rate", cur.ChangeFailRate, prev.ChangeFailRate),
		statRow("failed deployment recovery", cur.RecoveryTime, prev.RecoveryTime, false),
		countRow("rollbacks", cur.Rollbacks, prev.Rollbacks),
		{"failed deploys per month", fmt.Sprintf("%.1f", cur.FailedPerMonth), fmt.Sprintf("%.1f", prev.FailedPerMonth), signed(cur.FailedPerMonth - prev.FailedPerMonth)},
		countRow("builds", cur.Builds, prev.Builds),
		countRow("failed builds", cur.FailedBuilds, prev.FailedBuilds),
		statRow("pipeline time", cur.PipelineTime, prev.PipelineTime, true),
		statRow("  build", cur.BuildTime, prev.BuildTime, true),
		statRow("  rollout", cur.RolloutTime, prev.RolloutTime, true),
		ratioRow("cache hits: wheels", cur.Cache.Wheels, prev.Cache.Wheels),
		ratioRow("cache hits: .debs", cur.Cache.Debs, prev.Cache.Debs),
		ratioRow("cache hits: layers", cur.Cache.Layers, prev.Cache.Layers),
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "  metric\tthis period\tprevious\tchange")
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.name, r.cur, r.prev, r.change)
	}
	return tw.Flush()
}

func countRow(name string, cur, prev int) row {
	return row{name, fmt.Sprint(cur), fmt.Sprint(prev), signed(float64(cur - prev))}
}

func statRow(name string, cur, prev *Stat, p90 bool) row {
	label := name + " (median)"
	show := func(s *Stat) string {
		if s == nil {
			return "—"
		}
		v := duration(s.Median)
		if p90 {
			v += " / p90 " + duration(s.P90)
		}
		return fmt.Sprintf("%s (n=%d)", v, s.N)
	}
	if p90 {
		label = name + " (median / p90)"
	}
	change := "—"
	if cur != nil && prev != nil {
		change = relative(cur.Median, prev.Median, true)
	}
	return row{label, show(cur), show(prev), change}
}

func ratioRow(name string, cur, prev *Ratio) row {
	show := func(r *Ratio) string {
		if r == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f%% (%d/%d)", 100*r.Value, r.N, r.Of)
	}
	change := "—"
	if cur != nil && prev != nil {
		change = fmt.Sprintf("%+.0f pts", 100*(cur.Value-prev.Value))
	}
	return row{name, show(cur), show(prev), change}
}

func perWeek(v float64) string { return fmt.Sprintf("%.2f/week", v) }

func signed(d float64) string {
	if d == 0 {
		return "0"
	}
	if d == math.Trunc(d) {
		return fmt.Sprintf("%+.0f", d)
	}
	return fmt.Sprintf("%+.1f", d)
}

// relative is the change from prev to cur in percent; "—" when there is
// no previous value to compare with.
func relative(cur, prev float64, known bool) string {
	if !known || prev == 0 {
		return "—"
	}
	return fmt.Sprintf("%+.0f%%", 100*(cur-prev)/prev)
}

// duration prints seconds as a rounded duration: 1.2s, 3m05s, 2h10m, 3d4h.
func duration(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}
