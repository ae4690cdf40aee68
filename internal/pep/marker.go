package pep

import (
	"sort"
	"strings"
)

// Marker is a parsed PEP 508 environment marker, e.g.
// `python_version >= "3.8" and (sys_platform == "linux" or extra == "socks")`.
// The zero Marker is empty and evaluates to true.
type Marker struct {
	root markerNode
}

// markerNode is a comparison or a boolean combination.
type markerNode interface {
	format(b *strings.Builder, parentOp string)
}

// markerValue is one side of a comparison: a variable or a literal.
type markerValue struct {
	variable string // canonical variable name, or "" for a literal
	literal  string
}

type markerCompare struct {
	lhs, rhs markerValue
	op       string
	col      int // where the comparison starts, for evaluation errors
	// spec is op+rhs parsed once when rhs is a literal that forms a valid
	// version specifier; literalSpec says that case was decided at parse.
	spec        *Specifier
	literalSpec bool
}

type markerBool struct {
	op    string // "and" or "or"
	terms []markerNode
}

// ParseMarker parses marker text (without the leading ";").
func ParseMarker(s string) (Marker, error) { return parseMarkerAt(s, 0) }

func parseMarkerAt(s string, base int) (Marker, error) {
	p := &markerParser{lex: markerLexer{src: s, base: base}}
	if err := p.advance(); err != nil {
		return Marker{}, err
	}
	if p.tok.kind == tokEOF {
		return Marker{}, p.lex.fail(p.tok.col, "empty marker")
	}
	root, err := p.parseOr()
	if err != nil {
		return Marker{}, err
	}
	if p.tok.kind != tokEOF {
		return Marker{}, p.lex.fail(p.tok.col, "expected \"and\", \"or\" or end of marker, got %q", p.tok.text)
	}
	return Marker{root: root}, nil
}

// IsEmpty reports whether m has no condition (always true).
func (m Marker) IsEmpty() bool { return m.root == nil }

// String returns the canonical form: variables by their PEP 508 names,
// strings in double quotes (single when the value holds a double quote),
// single spaces, and only the parentheses precedence needs.
func (m Marker) String() string {
	if m.root == nil {
		return ""
	}
	var b strings.Builder
	m.root.format(&b, "")
	return b.String()
}

type markerParser struct {
	lex markerLexer
	tok markerToken
}

func (p *markerParser) advance() error {
	t, err := p.lex.next()
	p.tok = t
	return err
}

func (p *markerParser) parseOr() (markerNode, error) { return p.parseChain(tokOr, "or", p.parseAnd) }

func (p *markerParser) parseAnd() (markerNode, error) {
	return p.parseChain(tokAnd, "and", p.parseExpr)
}

// parseChain parses term (op term)* into one n-ary node.
func (p *markerParser) parseChain(kind int, op string, term func() (markerNode, error)) (markerNode, error) {
	first, err := term()
	if err != nil {
		return nil, err
	}
	terms := []markerNode{first}
	for p.tok.kind == kind {
		if err := p.advance(); err != nil {
			return nil, err
		}
		next, err := term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, next)
	}
	if len(terms) == 1 {
		return first, nil
	}
	return &markerBool{op: op, terms: terms}, nil
}

func (p *markerParser) parseExpr() (markerNode, error) {
	if p.tok.kind == tokLParen {
		open := p.tok.col
		if err := p.advance(); err != nil {
			return nil, err
		}
		inner, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, p.lex.fail(p.tok.col, "expected \")\" to close \"(\" at col %d", open)
		}
		return inner, p.advance()
	}
	col := p.tok.col
	lhs, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokOp {
		return nil, p.lex.fail(p.tok.col, "expected a comparison operator (==, !=, <, <=, >, >=, ~=, ===, in, not in)")
	}
	op := p.tok.text
	if err := p.advance(); err != nil {
		return nil, err
	}
	rhs, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	c := &markerCompare{lhs: lhs, rhs: rhs, op: op, col: col}
	if rhs.variable == "" && op != "in" && op != "not in" {
		c.literalSpec = true
		if sp, err := ParseSpecifier(op + rhs.literal); err == nil {
			c.spec = &sp
		}
	}
	return c, nil
}

func (p *markerParser) parseValue() (markerValue, error) {
	var v markerValue
	switch p.tok.kind {
	case tokVariable:
		v.variable = p.tok.text
	case tokString:
		v.literal = p.tok.text
	default:
		return v, p.lex.fail(p.tok.col, "expected a marker variable or a quoted string")
	}
	return v, p.advance()
}

func (c *markerCompare) format(b *strings.Builder, _ string) {
	c.lhs.format(b)
	b.WriteByte(' ')
	b.WriteString(c.op)
	b.WriteByte(' ')
	c.rhs.format(b)
}

func (v markerValue) format(b *strings.Builder) {
	switch {
	case v.variable != "":
		b.WriteString(v.variable)
	case strings.Contains(v.literal, `"`):
		b.WriteString("'" + v.literal + "'")
	default:
		b.WriteString(`"` + v.literal + `"`)
	}
}

func (n *markerBool) format(b *strings.Builder, parentOp string) {
	paren := parentOp == "and" && n.op == "or"
	if paren {
		b.WriteByte('(')
	}
	for i, t := range n.terms {
		if i > 0 {
			b.WriteString(" " + n.op + " ")
		}
		t.format(b, n.op)
	}
	if paren {
		b.WriteByte(')')
	}
}

// Variables returns the canonical names of the environment variables the
// marker reads, sorted, each once.
func (m Marker) Variables() []string {
	seen := map[string]bool{}
	var walk func(markerNode)
	walk = func(n markerNode) {
		switch n := n.(type) {
		case *markerCompare:
			for _, v := range []markerValue{n.lhs, n.rhs} {
				if v.variable != "" {
					seen[v.variable] = true
				}
			}
		case *markerBool:
			for _, t := range n.terms {
				walk(t)
			}
		}
	}
	if m.root != nil {
		walk(m.root)
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// Equivalent reports whether m and o are the same condition up to the
// order of the terms of each "and" and "or" (both commute), after
// canonical formatting: `a and b` is equivalent to `b and a`.
func (m Marker) Equivalent(o Marker) bool {
	return orderFree(m.root) == orderFree(o.root)
}

// orderFree formats n with each boolean node's terms sorted.
func orderFree(n markerNode) string {
	switch n := n.(type) {
	case nil:
		return ""
	case *markerBool:
		terms := make([]string, len(n.terms))
		for i, t := range n.terms {
			terms[i] = "(" + orderFree(t) + ")"
		}
		sort.Strings(terms)
		return strings.Join(terms, " "+n.op+" ")
	default:
		var b strings.Builder
		n.format(&b, "")
		return b.String()
	}
}
