package check

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
)

// reqLine is one requirement in a requirements file.
type reqLine struct {
	Line, Col int // where the requirement starts (1-based)
	Req       pep508
	Raw       string
	Hashed    bool
}

// scanRequirements reads the requirement lines of a pip requirements file:
// comments and options (-r, -c, --index-url, …) are skipped, backslash
// continuations joined, `--hash=` options noted. Editable and local-path
// installs are skipped: they are the project itself, not a download.
func scanRequirements(data []byte) []reqLine {
	var out []reqLine
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		start := i
		logical := stripComment(lines[i])
		for strings.HasSuffix(strings.TrimRight(logical, " \t\r"), `\`) && i+1 < len(lines) {
			logical = strings.TrimSuffix(strings.TrimRight(logical, " \t\r"), `\`) + " " + stripComment(lines[i+1])
			i++
		}
		text := strings.TrimSpace(logical)
		if text == "" || strings.HasPrefix(text, "-") || strings.HasPrefix(text, ".") || strings.HasPrefix(text, "/") {
			continue
		}
		reqText, opts, _ := strings.Cut(text, " --")
		opts = "--" + opts
		r, ok := splitRequirement(reqText)
		if !ok || strings.Contains(r.Name, "://") {
			continue
		}
		col := strings.Index(lines[start], r.Name) + 1
		out = append(out, reqLine{
			Line: start + 1, Col: col, Req: r, Raw: strings.TrimSpace(reqText),
			Hashed: strings.Contains(opts, "--hash"),
		})
	}
	return out
}

// stripComment removes a "#" comment that starts a line or follows a space.
func stripComment(l string) string {
	if strings.HasPrefix(strings.TrimSpace(l), "#") {
		return ""
	}
	if i := strings.Index(l, " #"); i >= 0 {
		return l[:i]
	}
	return l
}

// unpinned returns the requirements not pinned to one version.
func unpinned(reqs []reqLine) []reqLine {
	var out []reqLine
	for _, r := range reqs {
		if r.Req.URL == "" && !exactPin(r.Req.Specifier) {
			out = append(out, r)
		}
	}
	return out
}

// requirementsFiles lists the project's requirements files (not pip-compile
// *.in inputs), sorted.
func requirementsFiles(dir string) []string {
	var out []string
	for _, pattern := range []string{"requirements*.txt", "requirements/*.txt", "requirements.lock"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

// checkRequirementsFiles reports PW105 for every requirement in a
// requirements file that is not pinned with ==.
func checkRequirementsFiles(_ context.Context, p *project, r *Report) error {
	for _, path := range requirementsFiles(p.dir) {
		rel := p.rel(path)
		data, _, err := p.read(rel)
		if err != nil {
			return err
		}
		for _, u := range unpinned(scanRequirements(data)) {
			what := "has no version"
			if u.Req.Specifier != "" {
				what = "allows a range (" + u.Req.Specifier + ")"
			}
			f := r.add("PW105", rel, u.Line, "%s %s: installs may differ from build to build", u.Req.Name, what)
			f.Column = u.Col
		}
	}
	return nil
}
