package demo

import (
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"pinwheel.dev/pinwheel/internal/scorecard"
)

// WriteSummary prints the demo's outcome table and verdict.
func WriteSummary(w io.Writer, r Result) {
	fmt.Fprintln(w, "\n══ summary ══")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tRELEASE\tEXPECTED\tGOT\tTOOK\tREQUESTS\tFAILED\t")
	for _, o := range r.Rollouts {
		mark := "✓"
		if o.Got != o.Want {
			mark = "✗"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", o.Name, o.Release, o.Want, o.Got, o.Took.Round(100*time.Millisecond),
			o.Load.Requests, o.Load.Failed, mark)
	}
	tw.Flush()
	var expected int64
	for _, o := range r.Rollouts {
		if o.Want == "rolled-back" {
			expected += o.Load.Failed
		}
	}
	fmt.Fprintf(w, "replicas: %s\n", r.Runs)
	fmt.Fprintf(w, "live release: %s\nload generator: %d requests through the proxy, %d failed: %d during the bad release's rollout (its own 500s), %d at any other time\n",
		r.Live, r.Load.Requests, r.Load.Failed, expected, r.Load.Failed-expected)
	for _, o := range r.Rollouts {
		if o.Report != "" {
			fmt.Fprintf(w, "remediation report for %s: %s\n", o.Release, o.Report)
		}
	}
	if !r.Kept {
		fmt.Fprintf(w, "(the state directory %s and the report in it were removed; pinwheel demo --keep keeps them)\n", r.Dir)
	} else {
		fmt.Fprintf(w, "explore: cd %s && pinwheel history shop && pinwheel status shop && pinwheel diff shop-1 shop-2 && pinwheel scorecard\n", filepath.Join(r.Dir, "shop"))
	}
	if r.Scorecard != nil {
		fmt.Fprintln(w, "\n── pinwheel scorecard ──")
		scorecard.WriteText(w, *r.Scorecard)
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "finished in %s\n", r.Elapsed.Round(100*time.Millisecond))
	if r.OK {
		fmt.Fprintln(w, "OK: the bad release was rolled back automatically and the fixed release promoted through every step")
	} else {
		fmt.Fprintln(w, "FAILED: the releases did not end as expected (see the decisions above)")
	}
}
