package pep

import (
	"sort"
	"strings"
)

// Requirement is a parsed PEP 508 dependency specifier, e.g.
// `requests[socks]>=2.8.1,==2.8.*; python_version < "3.13"` or
// `pip @ https://example.com/pip-23.2.1-py3-none-any.whl`.
type Requirement struct {
	Name      string   // as written
	Extras    []string // as written, in order
	Specifier SpecifierSet
	URL       string // set for a direct reference ("name @ url")
	Marker    Marker
}

// NormalizedName returns the PEP 503 form of Name.
func (r Requirement) NormalizedName() string { return NormalizeName(r.Name) }

// NormalizedExtras returns the extras normalised, sorted and de-duplicated.
func (r Requirement) NormalizedExtras() []string {
	out := make([]string, 0, len(r.Extras))
	seen := map[string]bool{}
	for _, e := range r.Extras {
		if n := NormalizeName(e); !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// String returns the requirement in canonical form: name, sorted extras,
// canonical specifier set, " @ url" for a direct reference, and
// "; marker" in canonical form.
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		extras := append([]string(nil), r.Extras...)
		sort.Strings(extras)
		b.WriteString("[" + strings.Join(extras, ",") + "]")
	}
	b.WriteString(r.Specifier.String())
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
		if !r.Marker.IsEmpty() {
			b.WriteByte(' ')
		}
	}
	if !r.Marker.IsEmpty() {
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}

// ParseRequirement parses one PEP 508 requirement line (no comments, no
// pip options).
func ParseRequirement(s string) (Requirement, error) {
	p := reqParser{src: s}
	return p.parse()
}

type reqParser struct {
	src string
	i   int
}

func (p *reqParser) fail(format string, args ...any) error {
	return syntaxErr("requirement", p.src, p.i+1, format, args...)
}

func (p *reqParser) skipSpace() {
	for p.i < len(p.src) && (p.src[p.i] == ' ' || p.src[p.i] == '\t') {
		p.i++
	}
}

func (p *reqParser) peek() byte {
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

func (p *reqParser) parse() (Requirement, error) {
	var r Requirement
	p.skipSpace()
	name, err := p.identifier("a project name")
	if err != nil {
		return r, err
	}
	r.Name = name
	p.skipSpace()
	if p.peek() == '[' {
		if r.Extras, err = p.extras(); err != nil {
			return r, err
		}
		p.skipSpace()
	}
	if p.peek() == '@' {
		p.i++
		p.skipSpace()
		start := p.i
		for p.i < len(p.src) && p.src[p.i] != ' ' && p.src[p.i] != '\t' {
			p.i++
		}
		if p.i == start {
			return r, p.fail("expected a URL after \"@\"")
		}
		r.URL = p.src[start:p.i]
		afterURL := p.i
		p.skipSpace()
		if p.i < len(p.src) && (p.i == afterURL || p.src[p.i] != ';') {
			return r, p.fail("expected \";\" and a marker or end of requirement after the URL")
		}
	} else if r.Specifier, err = p.versionSpec(); err != nil {
		return r, err
	}
	p.skipSpace()
	if p.i == len(p.src) {
		return r, nil
	}
	if p.peek() != ';' {
		return r, p.fail("expected a version specifier, \";\" or end of requirement, got %s", quoteByte(p.peek()))
	}
	p.i++
	if r.Marker, err = parseMarkerAt(p.src[p.i:], p.i); err != nil {
		if se, ok := err.(*SyntaxError); ok {
			se.Input = p.src
		}
		return r, err
	}
	return r, nil
}

// identifier parses letterOrDigit ((letterOrDigit | - | _ | .)* letterOrDigit)?
func (p *reqParser) identifier(what string) (string, error) {
	start := p.i
	for p.i < len(p.src) && (isAlnumAnyCase(p.src[p.i]) || isSeparator(p.src[p.i])) {
		p.i++
	}
	id := p.src[start:p.i]
	if id == "" || !isAlnumAnyCase(id[0]) || !isAlnumAnyCase(id[len(id)-1]) {
		p.i = start
		return "", p.fail("expected %s (letters, digits, \"-\", \"_\", \".\"; starting and ending with a letter or digit)", what)
	}
	return id, nil
}

// extras parses '[' (identifier (',' identifier)*)? ']' with spaces allowed.
func (p *reqParser) extras() ([]string, error) {
	p.i++ // '['
	var out []string
	p.skipSpace()
	if p.peek() == ']' {
		p.i++
		return out, nil
	}
	for {
		p.skipSpace()
		e, err := p.identifier("an extra name")
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, p.fail("expected \",\" or \"]\" in extras")
		}
	}
}

// versionSpec parses an optional specifier set, optionally in parentheses,
// reaching up to ";" or the end.
func (p *reqParser) versionSpec() (SpecifierSet, error) {
	paren := p.peek() == '('
	if paren {
		p.i++
	}
	start := p.i
	for p.i < len(p.src) && p.src[p.i] != ';' && p.src[p.i] != ')' && !(p.src[p.i] == '(' && !paren) {
		p.i++
	}
	text := p.src[start:p.i]
	if strings.TrimSpace(text) == "" && !paren {
		p.i = start
		return SpecifierSet{}, nil
	}
	// PEP 508's version_many has no empty items (ParseSpecifierSet on its
	// own tolerates them, as pip does for bare specifier strings).
	offset := start
	for _, item := range strings.Split(text, ",") {
		if strings.TrimSpace(item) == "" {
			p.i = offset
			return SpecifierSet{}, p.fail("expected a version specifier, got an empty item")
		}
		offset += len(item) + 1
	}
	set, err := ParseSpecifierSet(text)
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			se.Kind, se.Input = "requirement", p.src
			if se.Col > 0 {
				se.Col += start
			}
		}
		return set, err
	}
	if paren {
		if p.peek() != ')' {
			return set, p.fail("expected \")\" to close the version specifier")
		}
		p.i++
	}
	return set, nil
}

func isAlnumAnyCase(c byte) bool { return isAlnum(c) || (c >= 'A' && c <= 'Z') }
