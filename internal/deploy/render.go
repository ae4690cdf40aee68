package deploy

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// WriteStatus renders v for people.
func WriteStatus(w io.Writer, v StatusView) error {
	fmt.Fprintf(w, "service  %s\n", v.Service)
	if v.Live != nil {
		fmt.Fprintf(w, "live     %s\n", describeRelease(*v.Live))
	} else {
		fmt.Fprintf(w, "live     (none)\n")
	}
	if rt := v.Runtime; rt != nil {
		if rt.Error != "" {
			fmt.Fprintf(w, "runtime  unreachable: %s\n", rt.Error)
		} else {
			fmt.Fprintf(w, "runtime  %s  stable %s (%d ready)", orDash(rt.Endpoint), orDash(rt.Stable), rt.Ready[rt.Stable])
			if rt.Canary != "" {
				fmt.Fprintf(w, "  canary %s (%d ready) at %d%%", rt.Canary, rt.Ready[rt.Canary], rt.CanaryWeight)
			}
			fmt.Fprintln(w)
		}
	}
	if r := v.Rollout; r != nil {
		state := "last rollout"
		if r.Active {
			state = "rollout"
		}
		fmt.Fprintf(w, "\n%s #%d  %s → %s  %s", state, r.ID, orDash(r.FromRelease), r.ReleaseID, r.Phase)
		if r.Outcome != "" {
			fmt.Fprintf(w, " (%s)", r.Outcome)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  started %s", r.StartedAt.Format(time.RFC3339))
		if !r.FinishedAt.IsZero() {
			fmt.Fprintf(w, ", took %s", r.FinishedAt.Sub(r.StartedAt).Round(100*time.Millisecond))
		}
		fmt.Fprintf(w, "; canary weight %d%%\n", r.Engine.CanaryWeight)
		for i, s := range r.Steps {
			mark := "  "
			switch {
			case i < r.Engine.StepIndex:
				mark = "✓ "
			case i == r.Engine.StepIndex && r.Active:
				mark = "▶ "
			case i == r.Engine.StepIndex && r.Outcome != "promoted":
				mark = "✗ "
			}
			fmt.Fprintf(w, "  %s%d. %s\n", mark, i+1, s)
		}
		if r.Engine.WaitingFor != "" && r.Active {
			fmt.Fprintf(w, "  waiting for %s\n", r.Engine.WaitingFor)
		}
		if len(r.Checks) > 0 {
			fmt.Fprintln(w, "\n  SLIs (latest analysis round)")
			WriteVerdicts(w, r.Checks, "    ")
		}
		if len(r.Decisions) > 0 {
			fmt.Fprintln(w, "\n  decisions")
			for _, d := range r.Decisions {
				fmt.Fprintf(w, "    %s\n", FormatDecision(d))
			}
		}
	}
	if v.Incident != nil {
		fmt.Fprintf(w, "\nlast incident  %s  %s\n  report: %s\n", v.Incident.At.Format(time.RFC3339), v.Incident.Title, v.Incident.Location)
	}
	return nil
}

// WriteVerdicts renders verdicts as a table: check, outcome, value vs
// threshold, samples.
func WriteVerdicts(w io.Writer, vs []analysis.Verdict, indent string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%sCHECK\tRESULT\tVALUE\tTHRESHOLD\tSAMPLES\n", indent)
	for _, v := range vs {
		value := "-"
		if e := v.Evidence.Value; e != nil {
			value = fmt.Sprintf("%.4g", *e)
			if s := v.Evidence.StableValue; s != nil {
				value += fmt.Sprintf(" (stable %.4g)", *s)
			}
		}
		samples := fmt.Sprint(v.Evidence.Samples)
		if v.Evidence.StableSamples > 0 {
			samples += fmt.Sprintf("/%d", v.Evidence.StableSamples)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\n", indent, v.Check, v.Outcome, value, orDash(v.Evidence.Threshold), samples)
	}
	tw.Flush()
}

// FormatDecision is one decision on one line.
func FormatDecision(d ledger.Decision) string {
	return fmt.Sprintf("%s  step %d  %-12s %-9s %s", d.At.Format("15:04:05.0"), d.Step, d.Phase, d.Action, d.Reason)
}

// WriteHistory renders a service's rollouts as a table.
func WriteHistory(w io.Writer, hs []HistoryEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLLOUT\tRELEASE\tVERSION\tFROM\tOUTCOME\tSTARTED\tTOOK\tREASON")
	for _, h := range hs {
		outcome := h.Outcome
		if outcome == "" {
			outcome = h.Phase + " (running)"
		}
		took := "-"
		if h.Duration > 0 {
			took = h.Duration.Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Rollout, h.Release, orDash(h.Version), orDash(h.From), outcome,
			h.Started.Format("2006-01-02 15:04:05"), took, Truncate(h.Reason, 70))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, h := range hs {
		if h.Incident != "" {
			fmt.Fprintf(w, "rollout %d remediation report: %s\n", h.Rollout, h.Incident)
		}
	}
	return nil
}

func describeRelease(r ledger.Release) string {
	s := r.ID
	if r.Info.Version != "" {
		s += " (" + r.Info.Version + ")"
	}
	if r.Info.ImageDigest != "" {
		s += "  " + shortDigest(r.Info.ImageDigest)
	}
	if r.KnownGood {
		s += "  known-good"
	}
	return s
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Truncate shortens s to n runes on one line, ending in … when cut.
func Truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
