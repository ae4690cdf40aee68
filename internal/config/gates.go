package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Gates is pinwheel.yaml's gates: list — the policy gates `pinwheel gate`
// evaluates over a built image. Each gate is a CEL expression (expr:) or a
// command run inside the image (run:).
//
//	gates:
//	  - name: no-critical-vulns
//	    expr: 'vulns.all(v, v.severity != "CRITICAL")'
//	  - name: tests
//	    run: ["python3", "-m", "pytest", "-q"]
//	    timeout: 5m       # run only (default 10m, at most 1h)
//	    network: true     # run only: the host's network (default: none)
type Gates []Gate

// Gate is one entry of gates:.
type Gate struct {
	Name    string
	Expr    string        // a CEL expression that must evaluate to true; or
	Run     []string      // a command (exec form) that must exit 0 in the image
	Timeout time.Duration // run: stopped (and failed) after this long; 0: the default
	Network bool          // run: the host's network; default none (own namespace)
	// Line and Col are where the entry starts, for messages about it.
	Line, Col int
	// expr's place in the file, for mapping CEL's positions (ExprPos).
	exprLine, exprCol int
	exprStyle         yaml.Style
	blockIndent       int // block scalars (| >): the column of their text
}

// Policy is pinwheel.yaml's policy: section.
//
//	policy:
//	  requireGates: true   # deploy refuses an image whose gates failed or never ran
type Policy struct {
	RequireGates bool
	Line, Col    int // where requireGates was written
}

// Gate timeouts.
const (
	DefaultGateTimeout = 10 * time.Minute
	MaxGateTimeout     = time.Hour
	// MaxGates bounds the gates: list.
	MaxGates = 256
	// MaxGateExpr bounds one expression's length in bytes.
	MaxGateExpr = 16 << 10
)

var gateName = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$`)

// GatesSection is the gates: list, or its first problem at file:line:col.
func (c *Config) GatesSection() (Gates, error) { return c.Gates, c.sectionErr["gates"] }

// PolicySection is the policy: section, or its first problem at file:line:col.
func (c *Config) PolicySection() (Policy, error) { return c.Policy, c.sectionErr["policy"] }

// decodeGates decodes the gates: list n of the file at path; src is the
// file's text (to find where a block scalar's text starts).
func decodeGates(n *yaml.Node, path string, src []byte) (Gates, error) {
	var gs Gates
	if isNull(n) {
		return gs, nil
	}
	d := walker{path: path}
	names := map[string]bool{}
	err := d.list(n, "gates", func(i int, item *yaml.Node) error {
		if i >= MaxGates {
			return d.at(item, "gates: more than %d gates", MaxGates)
		}
		key := fmt.Sprintf("gates[%d]", i)
		g, err := d.gate(item, key, src)
		if err != nil {
			return err
		}
		if names[g.Name] {
			return d.at(item, "%s: a second gate named %q (names must be unique)", key, g.Name)
		}
		names[g.Name] = true
		gs = append(gs, g)
		return nil
	})
	return gs, err
}

func (d walker) gate(n *yaml.Node, key string, src []byte) (Gate, error) {
	g := Gate{Line: n.Line, Col: n.Column}
	var timeoutNode, networkNode *yaml.Node
	err := d.mapping(n, key, fields{
		"name": func(_, v *yaml.Node) error {
			if err := d.str(v, key+".name", &g.Name); err != nil {
				return err
			}
			if !gateName.MatchString(g.Name) {
				return d.at(v, "%s.name: expected lowercase letters, digits, '-', '_' or '.' (at most 64), got %q", key, g.Name)
			}
			return nil
		},
		"expr": func(_, v *yaml.Node) error {
			if err := d.str(v, key+".expr", &g.Expr); err != nil {
				return err
			}
			if len(g.Expr) > MaxGateExpr {
				return d.at(v, "%s.expr: %d bytes, more than the %d allowed", key, len(g.Expr), MaxGateExpr)
			}
			if strings.TrimSpace(g.Expr) == "" {
				return d.at(v, "%s.expr: expected a CEL expression, got an empty string", key)
			}
			g.exprLine, g.exprCol, g.exprStyle = v.Line, v.Column, v.Style
			if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				g.blockIndent = blockIndent(src, v.Line)
			}
			return nil
		},
		"run": func(_, v *yaml.Node) error {
			if err := d.list(v, key+".run", func(j int, it *yaml.Node) error {
				var s string
				err := d.str(it, fmt.Sprintf("%s.run[%d]", key, j), &s)
				g.Run = append(g.Run, s)
				return err
			}); err != nil {
				return err
			}
			if len(g.Run) == 0 || g.Run[0] == "" {
				return d.at(v, "%s.run: expected a command in exec form, e.g. [\"python3\", \"-m\", \"pytest\", \"-q\"]", key)
			}
			return nil
		},
		"timeout": func(_, v *yaml.Node) error {
			t, err := time.ParseDuration(v.Value)
			if !isString(v) || err != nil || t <= 0 || t > MaxGateTimeout {
				return d.at(v, "%s.timeout: expected a duration such as 5m, at most %s, got %q", key, MaxGateTimeout, v.Value)
			}
			g.Timeout, timeoutNode = t, v
			return nil
		},
		"network": func(_, v *yaml.Node) error {
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				return d.at(v, "%s.network: expected true or false, got %s", key, kindName(v))
			}
			g.Network, networkNode = v.Value == "true", v
			return nil
		},
	})
	if err != nil {
		return g, err
	}
	switch {
	case g.Name == "":
		return g, d.at(n, "%s: expected name: (a short name such as tests or no-critical-vulns)", key)
	case g.Expr == "" && len(g.Run) == 0:
		return g, d.at(n, "%s (%s): expected expr: (a CEL expression) or run: (a command run in the image)", key, g.Name)
	case g.Expr != "" && len(g.Run) > 0:
		return g, d.at(n, "%s (%s): expr and run are exclusive; give one (or two gates)", key, g.Name)
	case g.Expr != "" && timeoutNode != nil:
		return g, d.at(timeoutNode, "%s.timeout: only run: gates take a timeout (expressions have a cost limit)", key)
	case g.Expr != "" && networkNode != nil:
		return g, d.at(networkNode, "%s.network: only run: gates take network", key)
	}
	if len(g.Run) > 0 && g.Timeout == 0 {
		g.Timeout = DefaultGateTimeout
	}
	return g, nil
}

// blockIndent is the column (1-based) where the text of the block scalar
// whose indicator is on line starts: the indentation of the next non-blank line.
func blockIndent(src []byte, line int) int {
	lines := strings.Split(string(src), "\n")
	for i := line; i < len(lines); i++ { // lines[line] is the line after the indicator
		l := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		return len(l) - len(strings.TrimLeft(l, " ")) + 1
	}
	return 1
}

// ExprPos maps a position in g.Expr (line 1-based, col 1-based, as CEL
// reports them) to the file: exact for plain and quoted one-line
// expressions without escapes and for literal blocks (|); the best
// guess otherwise.
func (g Gate) ExprPos(line, col int) (int, int) {
	if g.exprLine == 0 {
		return g.Line, g.Col
	}
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	switch {
	case g.exprStyle&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return g.exprLine + line, g.blockIndent + col - 1
	case g.exprStyle&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		if line == 1 {
			return g.exprLine, g.exprCol + col // after the opening quote
		}
		return g.exprLine + line - 1, col
	}
	if line == 1 {
		return g.exprLine, g.exprCol + col - 1
	}
	return g.exprLine + line - 1, col
}

// ExprError is an input error at the position pos (line, col in the
// expression) of g's expression.
func (g Gate) ExprError(path string, line, col int, format string, args ...any) *inputerr.Error {
	l, c := g.ExprPos(line, col)
	return inputerr.At(path, l, c, "gates: %s: %s", g.Name, fmt.Sprintf(format, args...))
}

// decodePolicy decodes the policy: section n.
func decodePolicy(n *yaml.Node, path string) (Policy, error) {
	var p Policy
	if isNull(n) {
		return p, nil
	}
	d := walker{path: path}
	err := d.mapping(n, "policy", fields{
		"requireGates": func(_, v *yaml.Node) error {
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				return d.at(v, "policy.requireGates: expected true or false, got %s", kindName(v))
			}
			p.RequireGates, p.Line, p.Col = v.Value == "true", v.Line, v.Column
			return nil
		},
	})
	return p, err
}
