package kubecli

import (
	"cmp"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/deploy"
)

// WriteTable renders Releases one per line: name, service, phase, step,
// canary weight, age and message.
func WriteTable(w io.Writer, rels []v1alpha1.Release, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RELEASE\tSERVICE\tPHASE\tSTEP\tWEIGHT\tAGE\tMESSAGE")
	for _, r := range rels {
		st := r.Status
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Spec.Service, cmp.Or(st.Phase, "-"),
			stepOf(st), weightOf(st), age(now, r.CreationTimestamp.Time), deploy.Truncate(st.Message, 70))
	}
	return tw.Flush()
}

// WriteHistory renders a service's Releases newest first, like the local
// history: release, version, image digest, from, outcome, started, reason.
func WriteHistory(w io.Writer, rels []v1alpha1.Release) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RELEASE\tVERSION\tCOMMIT\tFROM\tOUTCOME\tSTARTED\tREASON")
	for _, r := range rels {
		outcome := r.Status.Phase
		switch {
		case outcome == "":
			outcome = "Pending (not started)"
		case Terminal(&r):
			outcome = Outcome(outcome)
		default:
			outcome += " (running)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, cmp.Or(r.Spec.BuildInfo.Version, "-"),
			cmp.Or(short(r.Spec.BuildInfo.GitCommit, 12), "-"), cmp.Or(r.Status.StableRelease, "-"), outcome,
			r.CreationTimestamp.Format("2006-01-02 15:04:05"), deploy.Truncate(r.Status.Message, 70))
	}
	return tw.Flush()
}

// WriteRelease renders one Release: what it rolls out, where it stands and
// its newest decisions (at most decisions; 0 = all it keeps).
func WriteRelease(w io.Writer, r *v1alpha1.Release, decisions int) error {
	st, bi := r.Status, r.Spec.BuildInfo
	fmt.Fprintf(w, "release %s of %s in namespace %s\n", r.Name, r.Spec.Service, r.Namespace)
	fmt.Fprintf(w, "  image       %s\n", r.Spec.Image)
	if bi.Version != "" || bi.GitCommit != "" {
		fmt.Fprintf(w, "  build       version %s, commit %s\n", cmp.Or(bi.Version, "-"), cmp.Or(short(bi.GitCommit, 12), "-"))
	}
	fmt.Fprintf(w, "  deployment  %s\n", cmp.Or(r.Spec.Deployment, r.Spec.Service))
	fmt.Fprintf(w, "  phase       %s\n", cmp.Or(st.Phase, "Pending (no controller has picked it up)"))
	if st.Steps > 0 {
		fmt.Fprintf(w, "  step        %s", stepOf(st))
		if st.Step < st.Steps {
			fmt.Fprintf(w, " (%s)", describeStep(r, int(st.Step)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  traffic     canary %s %d%%, stable %s %d%%\n", cmp.Or(st.CanaryRelease, r.Name), st.CanaryWeight,
		cmp.Or(st.StableRelease, "-"), 100-st.CanaryWeight)
	if st.Message != "" {
		fmt.Fprintf(w, "  message     %s\n", st.Message)
	}
	ds := st.Decisions
	if decisions > 0 && len(ds) > decisions {
		ds = ds[len(ds)-decisions:]
	}
	if len(ds) > 0 {
		fmt.Fprintf(w, "decisions (newest %d of %d):\n", len(ds), len(st.Decisions)+int(st.DecisionsDropped))
		for _, d := range ds {
			fmt.Fprintf(w, "  %s\n", deploy.FormatDecision(ledgerDecision(d)))
		}
	}
	return nil
}

func describeStep(r *v1alpha1.Release, i int) string {
	spec, err := r.Spec.RolloutSpec()
	if err != nil || i >= len(spec.Steps) {
		return "?"
	}
	return deploy.DescribeStep(spec.Steps[i])
}

func stepOf(st v1alpha1.ReleaseStatus) string {
	if st.Steps == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", min(st.Step+1, st.Steps), st.Steps)
}

func weightOf(st v1alpha1.ReleaseStatus) string {
	if st.Phase == "" {
		return "-"
	}
	return fmt.Sprintf("%d%%", st.CanaryWeight)
}

func age(now, t time.Time) string {
	d := now.Sub(t).Round(time.Second)
	switch {
	case t.IsZero():
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
