package vuln

import (
	"fmt"
	"io"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

var cdxSeverity = map[Level]cdx.Severity{Critical: cdx.SeverityCritical, High: cdx.SeverityHigh, Medium: cdx.SeverityMedium,
	Low: cdx.SeverityLow, None: cdx.SeverityNone, Unknown: cdx.SeverityUnknown}

// WriteVEX writes the report as a CycloneDX 1.6 VEX document: the affected
// packages as components (by purl) and one vulnerability per finding with
// its rating, aliases as references, and an analysis: exploitable with
// "update" when a fix exists; an ignored finding exploitable with
// "will_not_fix" and the ignore's reason and expiry as the detail.
func WriteVEX(w io.Writer, r Report) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = ""
	comps := map[string]cdx.Component{}
	var vulns []cdx.Vulnerability
	add := func(f Finding, ig *Ignore) {
		purl := f.Package.PURL()
		comps[purl] = cdx.Component{BOMRef: purl, Type: cdx.ComponentTypeLibrary, Name: f.Package.Name, Version: f.Package.Version, PackageURL: purl}
		v := cdx.Vulnerability{ID: f.ID, Description: f.Summary, Affects: &[]cdx.Affects{{Ref: purl}}}
		if f.URL != "" {
			v.Source = &cdx.Source{URL: f.URL}
		}
		if len(f.Aliases) > 0 {
			refs := make([]cdx.VulnerabilityReference, len(f.Aliases))
			for i, a := range f.Aliases {
				refs[i] = cdx.VulnerabilityReference{ID: a, Source: aliasSource(a)}
			}
			v.References = &refs
		}
		rating := cdx.VulnerabilityRating{Severity: cdxSeverity[f.Severity.Level], Vector: f.Severity.Vector}
		if f.Severity.Score > 0 {
			s := f.Severity.Score
			rating.Score = &s
			switch {
			case strings.HasPrefix(f.Severity.Vector, "CVSS:4.0/"):
				rating.Method = cdx.ScoringMethodCVSSv4
			case strings.HasPrefix(f.Severity.Vector, "CVSS:3.0/"):
				rating.Method = cdx.ScoringMethodCVSSv3
			default:
				rating.Method = cdx.ScoringMethodCVSSv31
			}
		}
		v.Ratings = &[]cdx.VulnerabilityRating{rating}
		a := &cdx.VulnerabilityAnalysis{State: cdx.IASExploitable}
		switch {
		case ig != nil:
			a.Response = &[]cdx.ImpactAnalysisResponse{cdx.IARWillNotFix}
			a.Detail = fmt.Sprintf("ignored until %s (%s:%d): %s", ig.Expires.Format("2006-01-02"), ig.File, ig.Line, ig.Reason)
		case len(f.Fixed) > 0:
			a.Response = &[]cdx.ImpactAnalysisResponse{cdx.IARUpdate}
		}
		v.Analysis = a
		vulns = append(vulns, v)
	}
	for _, f := range r.Findings {
		add(f, nil)
	}
	for _, ig := range r.Ignored {
		add(ig.Finding, &ig.By)
	}
	keys := make([]string, 0, len(comps))
	for k := range comps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	list := make([]cdx.Component, len(keys))
	for i, k := range keys {
		list[i] = comps[k]
	}
	bom.Components = &list
	bom.Vulnerabilities = &vulns
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

// aliasSource names the database an alias id belongs to (CycloneDX requires
// a source on each reference).
func aliasSource(id string) *cdx.Source {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case strings.HasPrefix(id, "GHSA-"):
		return &cdx.Source{Name: "GitHub", URL: "https://github.com/advisories/" + id}
	}
	return &cdx.Source{Name: "OSV", URL: "https://osv.dev/vulnerability/" + id}
}
