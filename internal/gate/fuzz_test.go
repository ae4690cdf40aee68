package gate

import (
	"context"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// FuzzGateExpr compiles and evaluates arbitrary expressions over the test
// facts: every expression either fails to compile with an input error at a
// position inside pinwheel.yaml, or evaluates to a verdict with a reason —
// never a panic, never an unbounded run (the cost limit).
func FuzzGateExpr(f *testing.F) {
	for _, s := range []string{
		`vulns.all(v, v.severity != "CRITICAL")`,
		`lock.packages.all(p, size(p.hashes) > 0)`,
		`tests["unit"].passed`,
		`provenance.predicate.runDetails.builder.id == "x"`,
		`base.packages.exists(p, p.name.matches("^lib"))`,
		`sbom.components.map(c, c.purl).exists(p, p.startsWith("pkg:deb/"))`,
		`[1,2,3].all(a, [1,2,3].all(b, a * b < 10))`,
		`findings.filter(f, !f.suppressed).size() == 0`,
		`build.gitCommit.size() == 40 && build.lockHash == lock.hash`,
		`vulns.all(v, v.severity != )`,
		`"a".repeat(10)`,
		`1 / 0 == 1`,
	} {
		f.Add(s)
	}
	fx := facts()
	f.Fuzz(func(t *testing.T, expr string) {
		if len(expr) > config.MaxGateExpr || strings.TrimSpace(expr) == "" {
			return
		}
		g := config.Gate{Name: "fuzz", Expr: expr, Line: 3, Col: 5}
		p, err := Compile("pinwheel.yaml", g)
		if err != nil {
			if !inputerr.Is(err) || !strings.HasPrefix(err.Error(), "pinwheel.yaml:") {
				t.Fatalf("compile %q: not an input error in pinwheel.yaml: %v", expr, err)
			}
			return
		}
		ok, why := p.Eval(context.Background(), fx)
		if why == "" || ok && why != "true" {
			t.Fatalf("eval %q: %v with reason %q", expr, ok, why)
		}
	})
}
