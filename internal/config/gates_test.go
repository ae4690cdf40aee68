package config

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func gatesOf(t *testing.T, doc string) (Gates, Policy, error) {
	t.Helper()
	c, err := Parse("pinwheel.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	gs, err := c.GatesSection()
	if err != nil {
		return gs, Policy{}, err
	}
	p, err := c.PolicySection()
	return gs, p, err
}

func TestGatesDecode(t *testing.T) {
	doc := `service: x
gates:
  - name: no-critical
    expr: 'vulns.all(v, v.severity != "CRITICAL")'
  - name: tests
    run: ["python3", "-m", "unittest"]
    timeout: 90s
    network: true
  - name: short
    run: [python3, -V]
policy: {requireGates: true}
`
	gs, p, err := gatesOf(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 3 || gs[0].Expr != `vulns.all(v, v.severity != "CRITICAL")` || gs[0].Line != 3 {
		t.Fatalf("gates = %+v", gs)
	}
	if gs[1].Timeout != 90*time.Second || !gs[1].Network || strings.Join(gs[1].Run, " ") != "python3 -m unittest" {
		t.Fatalf("run gate = %+v", gs[1])
	}
	if gs[2].Timeout != DefaultGateTimeout || gs[2].Network {
		t.Fatalf("defaults of a run gate = %+v", gs[2])
	}
	if !p.RequireGates || p.Line != 11 {
		t.Fatalf("policy = %+v", p)
	}
	// Building does not depend on the gates: a bad gates: section is kept
	// for GatesSection, Parse succeeds.
	if _, err := Parse("pinwheel.yaml", []byte("service: x\ngates: 3\n")); err != nil {
		t.Fatalf("Parse refused a project over its gates: %v", err)
	}
}

func TestGatesDecodeErrors(t *testing.T) {
	for _, tt := range []struct {
		name, doc, at, msg string
	}{
		{"not_a_list", "gates: {a: 1}\n", ":1:8", "gates: expected a list"},
		{"no_name", "gates:\n  - expr: 'true'\n", ":2:5", "expected name:"},
		{"bad_name", "gates:\n  - name: Has Space\n    expr: 'true'\n", ":2:11", "gates[0].name: expected lowercase"},
		{"neither", "gates:\n  - name: a\n", ":2:5", "expected expr: (a CEL expression) or run:"},
		{"both", "gates:\n  - name: a\n    expr: 'true'\n    run: [x]\n", ":2:5", "expr and run are exclusive"},
		{"duplicate", "gates:\n  - {name: a, expr: 'true'}\n  - {name: a, expr: 'false'}\n", ":3:5", `a second gate named "a"`},
		{"unknown_key", "gates:\n  - name: a\n    exprs: 'true'\n", ":3:5", `unknown key "exprs"`},
		{"run_not_list", "gates:\n  - name: a\n    run: pytest -q\n", ":3:10", "gates[0].run: expected a list"},
		{"run_empty", "gates:\n  - name: a\n    run: []\n", ":3:10", "expected a command in exec form"},
		{"timeout_bad", "gates:\n  - name: a\n    run: [x]\n    timeout: forever\n", ":4:14", "gates[0].timeout: expected a duration"},
		{"timeout_too_long", "gates:\n  - name: a\n    run: [x]\n    timeout: 2h\n", ":4:14", "at most 1h0m0s"},
		{"timeout_on_expr", "gates:\n  - name: a\n    expr: 'true'\n    timeout: 5s\n", ":4:14", "only run: gates take a timeout"},
		{"network_not_bool", "gates:\n  - name: a\n    run: [x]\n    network: yes please\n", ":4:14", "expected true or false"},
		{"empty_expr", "gates:\n  - name: a\n    expr: '  '\n", ":3:11", "expected a CEL expression"},
		{"policy_not_bool", "policy:\n  requireGates: 1\n", ":2:17", "policy.requireGates: expected true or false"},
		{"policy_unknown", "policy:\n  requireGate: true\n", ":2:3", `unknown key "requireGate"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := gatesOf(t, "service: x\n"+tt.doc)
			if err == nil {
				t.Fatalf("no error; want %q", tt.msg)
			}
			// The doc gets one line on top: shift the expected line.
			want := shiftLine(tt.at)
			if !inputerr.Is(err) || !strings.Contains(err.Error(), "pinwheel.yaml"+want+": ") || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q; want an input error at pinwheel.yaml%s with %q", err, want, tt.msg)
			}
		})
	}
}

// shiftLine turns ":L:C" into ":L+1:C".
func shiftLine(at string) string {
	parts := strings.Split(at, ":")
	l, _ := strconv.Atoi(parts[1])
	return ":" + strconv.Itoa(l+1) + ":" + parts[2]
}

func TestGateExprPos(t *testing.T) {
	doc := "service: x\ngates:\n" +
		"  - name: plain\n    expr: a == b\n" + // expr value at 4:11
		"  - name: quoted\n    expr: 'a == b'\n" + // 6:11, text from col 12
		"  - name: block\n    expr: |\n      a &&\n        b\n" // text at 9:7
	gs, _, err := gatesOf(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		gate              int
		line, col         int // in the expression, 1-based
		wantLine, wantCol int // in the file
	}{
		{0, 1, 1, 4, 11}, {0, 1, 6, 4, 16},
		{1, 1, 1, 6, 12}, {1, 1, 6, 6, 17},
		{2, 1, 1, 9, 7}, {2, 2, 3, 10, 9},
	} {
		l, c := gs[tt.gate].ExprPos(tt.line, tt.col)
		if l != tt.wantLine || c != tt.wantCol {
			t.Errorf("%s: expression %d:%d → file %d:%d, want %d:%d", gs[tt.gate].Name, tt.line, tt.col, l, c, tt.wantLine, tt.wantCol)
		}
	}
}
