package gate

import (
	"context"
	"fmt"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
)

// bigFacts is a large service: n locked packages, each in the SBOM, and
// n/10 advisories.
func bigFacts(n int) Facts {
	f := facts()
	f.Lock.Packages, f.SBOM.Components, f.Vulns = nil, nil, nil
	for i := range n {
		name := fmt.Sprintf("pkg%04d", i)
		f.Lock.Packages = append(f.Lock.Packages, Package{Name: name, Version: "1.0", Hashes: []string{"sha256:" + name}, Source: "registry", Groups: []string{}})
		f.SBOM.Components = append(f.SBOM.Components, Component{Name: name, Version: "1.0", PURL: "pkg:pypi/" + name + "@1.0", Hashes: []string{}})
		if i%10 == 0 {
			f.Vulns = append(f.Vulns, Vuln{ID: "PYSEC-" + name, Package: name, Version: "1.0", Severity: "LOW", Aliases: []string{}, Fixed: []string{"1.1"}})
		}
	}
	return f
}

// BenchmarkGateEval: compile once, evaluate per iteration, over 500
// packages. The linear gate is the common shape; the join (every SBOM
// component against every locked package) is the worst a policy
// usually writes.
func BenchmarkGateEval(b *testing.B) {
	f := bigFacts(500)
	for _, bc := range []struct{ name, expr string }{
		{"linear_lock_pinned", `lock.packages.all(p, size(p.hashes) > 0)`},
		{"linear_no_high_vulns", `vulns.all(v, v.severity != "CRITICAL" && v.severity != "HIGH")`},
		{"join_sbom_in_lock", `sbom.components.all(c, lock.packages.exists(p, p.name == c.name && p.version == c.version))`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p, err := Compile("pinwheel.yaml", config.Gate{Name: "b", Expr: bc.expr})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if ok, why := p.Eval(context.Background(), f); !ok {
					b.Fatal(why)
				}
			}
		})
	}
}
