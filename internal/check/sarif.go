package check

import (
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// securitySeverity is GitHub code scanning's numeric severity per level.
var securitySeverity = map[Severity]string{
	SeverityCritical: "9.5", SeverityHigh: "7.5", SeverityMedium: "5.0", SeverityLow: "3.0", SeverityInfo: "0.0",
}

// SARIFOptions name the tool in a SARIF log.
type SARIFOptions struct {
	ToolVersion    string
	InformationURI string
}

// WriteSARIF writes the report as a SARIF 2.1.0 log: every catalog rule as
// a reportingDescriptor, every finding as a result with its file, line and
// column relative to %SRCROOT%, suppressed findings with an inSource
// suppression carrying the comment's reason.
func WriteSARIF(w io.Writer, rep Report, opts SARIFOptions) error {
	log := sarif.NewReport()
	if opts.InformationURI == "" {
		opts.InformationURI = "https://pinwheel.dev/docs/check"
	}
	run := sarif.NewRunWithInformationURI("pinwheel", opts.InformationURI)
	if opts.ToolVersion != "" {
		run.Tool.Driver.WithVersion(opts.ToolVersion)
	}
	for _, id := range RuleIDs() {
		rule := Rules[id]
		props := sarif.NewPropertyBag()
		props.Add("severity", rule.Severity.String())
		props.Add("security-severity", securitySeverity[rule.Severity])
		props.AddTag(ruleTag(id))
		run.AddRule(id).
			WithName(rule.Name).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(rule.Title)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(rule.Fix)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(rule.Severity.SARIFLevel())).
			WithProperties(props)
	}
	for _, f := range rep.Findings {
		res := run.CreateResultForRule(f.RuleID).
			WithLevel(f.Severity.SARIFLevel()).
			WithMessage(sarif.NewTextMessage(f.Message))
		props := sarif.NewPropertyBag()
		props.Add("severity", f.Severity.String())
		if f.Fix != "" {
			props.Add("fix", f.Fix)
		}
		res.WithProperties(props)
		// Every result has a location: GitHub code scanning rejects the whole
		// log otherwise. A finding about the project as a whole points at
		// its directory.
		file := f.File
		if file == "" {
			file = "."
		}
		res.AddLocation(location(file, f.Line, f.Column))
		if s := f.Suppression; s != nil {
			res.AddSuppression(sarif.NewSuppression().
				WithKind("inSource").
				WithStatus("accepted").
				WithJustification(s.Reason).
				WithLocation(location(s.File, s.Line, 0)))
		}
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ruleTag is a rule's family as a SARIF tag.
func ruleTag(id string) string {
	switch {
	case strings.HasPrefix(id, "PW4"):
		return "security"
	case strings.HasPrefix(id, "PW5"):
		return "kubernetes"
	}
	return "determinism"
}

func location(file string, line, col int) *sarif.Location {
	phys := sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewArtifactLocation().WithURI(file).WithURIBaseID("%SRCROOT%"))
	if line > 0 {
		region := sarif.NewRegion().WithStartLine(line)
		if col > 0 {
			region.WithStartColumn(col)
		}
		phys.WithRegion(region)
	}
	return sarif.NewLocation().WithPhysicalLocation(phys)
}
