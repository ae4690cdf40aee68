package pep

import "math"

// versionParser scans one PEP 440 version (already trimmed and lower-cased).
// It follows the grammar in PEP 440 appendix B: each optional part may be
// introduced by one of the separators "-", "_" or ".".
type versionParser struct {
	in      string
	orig    string
	colBase int // bytes of leading whitespace trimmed from orig
	i       int
}

var (
	preSpellings = []struct{ word, kind string }{
		{"alpha", "a"}, {"beta", "b"}, {"preview", "rc"}, {"pre", "rc"},
		{"rc", "rc"}, {"a", "a"}, {"b", "b"}, {"c", "rc"},
	}
	postSpellings = []string{"post", "rev", "r"}
)

func (p *versionParser) fail(msg string) error {
	return syntaxErr("version", p.orig, p.colBase+p.i+1, "%s in %q", msg, p.orig)
}

func (p *versionParser) parse() (Version, error) {
	var v Version
	if p.in == "" {
		return v, syntaxErr("version", p.orig, 0, "empty version")
	}
	if p.peek() == 'v' {
		p.i++
	}
	first, ok, err := p.number()
	if err != nil {
		return v, err
	}
	if !ok {
		return v, p.fail("expected a digit")
	}
	if p.peek() == '!' {
		p.i++
		v.epoch = first
		if first, ok, err = p.number(); err != nil {
			return v, err
		} else if !ok {
			return v, p.fail("expected a release number after the epoch")
		}
	}
	v.release = append(make([]int, 0, 4), first)
	for p.peek() == '.' && p.i+1 < len(p.in) && isDigit(p.in[p.i+1]) {
		p.i++
		n, _, err := p.number()
		if err != nil {
			return v, err
		}
		v.release = append(v.release, n)
	}
	if err := p.preRelease(&v); err != nil {
		return v, err
	}
	if err := p.postRelease(&v); err != nil {
		return v, err
	}
	if err := p.devRelease(&v); err != nil {
		return v, err
	}
	if p.peek() == '+' {
		p.i++
		if err := p.localLabel(&v); err != nil {
			return v, err
		}
	}
	if p.i != len(p.in) {
		return v, p.fail("unexpected " + quoteByte(p.in[p.i]))
	}
	return v, nil
}

// preRelease parses [-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? N?
func (p *versionParser) preRelease(v *Version) error {
	start := p.i
	p.separator()
	for _, s := range preSpellings {
		if p.hasPrefix(s.word) {
			p.i += len(s.word)
			v.preKind = s.kind
			n, err := p.implicitNumber()
			v.pre = n
			return err
		}
	}
	p.i = start
	return nil
}

// postRelease parses "-N" or [-_.]? (post|rev|r) [-_.]? N?
func (p *versionParser) postRelease(v *Version) error {
	start := p.i
	if p.peek() == '-' && p.i+1 < len(p.in) && isDigit(p.in[p.i+1]) {
		p.i++
		n, _, err := p.number()
		v.hasPost, v.post = true, n
		return err
	}
	p.separator()
	for _, w := range postSpellings {
		if p.hasPrefix(w) {
			p.i += len(w)
			n, err := p.implicitNumber()
			v.hasPost, v.post = true, n
			return err
		}
	}
	p.i = start
	return nil
}

// devRelease parses [-_.]? dev [-_.]? N?
func (p *versionParser) devRelease(v *Version) error {
	start := p.i
	p.separator()
	if p.hasPrefix("dev") {
		p.i += 3
		n, err := p.implicitNumber()
		v.hasDev, v.dev = true, n
		return err
	}
	p.i = start
	return nil
}

// localLabel parses [a-z0-9]+ ([-_.][a-z0-9]+)*
func (p *versionParser) localLabel(v *Version) error {
	for {
		start := p.i
		for p.i < len(p.in) && isAlnum(p.in[p.i]) {
			p.i++
		}
		if p.i == start {
			return p.fail("expected a letter or digit in the local version label")
		}
		seg := p.in[start:p.i]
		part := localPart{str: seg}
		if n, ok := atoiAll(seg); ok {
			part = localPart{isNum: true, num: n}
		} else if allDigits(seg) {
			p.i = start
			return p.fail("number too large")
		}
		v.local = append(v.local, part)
		if !isSeparator(p.peek()) {
			return nil
		}
		p.i++
	}
}

// implicitNumber parses [-_.]? N? after a pre/post/dev word; an absent
// number means 0. Like the PEP 440 grammar it is greedy: a trailing
// separator with no number after it is consumed ("1.0a." is "1.0a0").
func (p *versionParser) implicitNumber() (int, error) {
	p.separator()
	n, _, err := p.number()
	return n, err
}

func (p *versionParser) separator() {
	if isSeparator(p.peek()) {
		p.i++
	}
}

// number parses a run of decimal digits.
func (p *versionParser) number() (n int, ok bool, err error) {
	start := p.i
	for p.i < len(p.in) && isDigit(p.in[p.i]) {
		d := int(p.in[p.i] - '0')
		if n > (math.MaxInt-d)/10 {
			p.i = start
			return 0, false, p.fail("number too large")
		}
		n = n*10 + d
		p.i++
	}
	return n, p.i > start, nil
}

func (p *versionParser) peek() byte {
	if p.i < len(p.in) {
		return p.in[p.i]
	}
	return 0
}

func (p *versionParser) hasPrefix(w string) bool {
	return len(p.in)-p.i >= len(w) && p.in[p.i:p.i+len(w)] == w
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool     { return isDigit(c) || (c >= 'a' && c <= 'z') }
func isSeparator(c byte) bool { return c == '-' || c == '_' || c == '.' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// atoiAll parses s when it is all digits and fits in an int.
func atoiAll(s string) (int, bool) {
	if !allDigits(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		d := int(s[i] - '0')
		if n > (math.MaxInt-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return "byte 0x" + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])
	}
	return "\"" + string(c) + "\""
}
