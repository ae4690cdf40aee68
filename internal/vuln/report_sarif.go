package vuln

import (
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

var sarifLevel = map[Level]string{Critical: "error", High: "error", Medium: "warning", Low: "note", None: "note", Unknown: "warning"}

// WriteSARIF writes the report as a SARIF 2.1.0 log: one rule per
// vulnerability id, one result per finding located at the lockfile line
// that pins the package (every result has a location: GitHub code scanning
// rejects a log otherwise), ignored findings with an external suppression
// carrying the reason, and each expired ignore as a result of its own at
// its line in the ignore file.
func WriteSARIF(w io.Writer, r Report, toolVersion string) error {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("pinwheel", "https://pinwheel.dev/docs/scan")
	if toolVersion != "" {
		run.Tool.Driver.WithVersion(toolVersion)
	}
	seen := map[string]bool{}
	add := func(f Finding, sup *Ignore) {
		if !seen[f.ID] {
			seen[f.ID] = true
			props := sarif.NewPropertyBag()
			if f.Severity.Score > 0 {
				props.Add("security-severity", fmt.Sprintf("%.1f", f.Severity.Score))
			}
			props.AddTag("security")
			rule := run.AddRule(f.ID).
				WithShortDescription(sarif.NewMultiformatMessageString().WithText(nonEmpty(f.Summary, f.ID))).
				WithProperties(props)
			if f.URL != "" {
				rule.WithHelpURI(f.URL)
			}
		}
		msg := fmt.Sprintf("%s %s is affected by %s (%s)", f.Package.Name, f.Package.Version, f.ID, f.Severity.Level)
		if len(f.Fixed) > 0 {
			msg += "; fixed in " + strings.Join(f.Fixed, ", ")
		}
		res := run.CreateResultForRule(f.ID).WithLevel(sarifLevel[f.Severity.Level]).WithMessage(sarif.NewTextMessage(msg))
		locs := f.Locations
		if len(locs) == 0 {
			locs = []Location{{File: "."}}
		}
		for _, l := range locs {
			res.AddLocation(sarifLocation(l))
		}
		if sup != nil {
			res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").
				WithJustification(sup.Reason).WithLocation(sarifLocation(Location{File: sup.File, Line: sup.Line})))
		}
	}
	for _, f := range r.Findings {
		add(f, nil)
	}
	for _, ig := range r.Ignored {
		add(ig.Finding, &ig.By)
	}
	if len(r.ExpiredIgnores) > 0 {
		run.AddRule("expired-ignore").WithShortDescription(sarif.NewMultiformatMessageString().WithText("An ignore entry is past its expiry date"))
		for _, ig := range r.ExpiredIgnores {
			run.CreateResultForRule("expired-ignore").WithLevel("error").
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("the ignore of %s expired on %s: %s", ig.ID, ig.Expires.Format("2006-01-02"), ig.Reason))).
				AddLocation(sarifLocation(Location{File: ig.File, Line: ig.Line}))
		}
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func sarifLocation(l Location) *sarif.Location {
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewArtifactLocation().WithURI(l.File).WithURIBaseID("%SRCROOT%"))
	if l.Line > 0 {
		phys.WithRegion(sarif.NewRegion().WithStartLine(l.Line))
	}
	return sarif.NewLocation().WithPhysicalLocation(phys)
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
