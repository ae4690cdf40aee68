package gate

import (
	"context"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// gatesOf parses doc as pinwheel.yaml and returns its gates.
func gatesOf(t testing.TB, doc string) config.Gates {
	t.Helper()
	c, err := config.Parse("pinwheel.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	gs, err := c.GatesSection()
	if err != nil {
		t.Fatal(err)
	}
	return gs
}

// facts is a build as Gather would see it: a pinned lock, one CRITICAL
// advisory, one check finding (suppressed), a Debian base.
func facts() Facts {
	return Facts{
		Build: Build{Service: "hello", Version: "1.0.0", GitCommit: "0123456789abcdef0123456789abcdef01234567", LockHash: "sha256:aa",
			PythonVersion: "3.11", ImageDigest: "sha256:" + strings.Repeat("b", 64), Reproducible: true, SourceBuilds: []string{}},
		Lock: Lock{Format: "pylock.toml", Hash: "sha256:aa", Packages: []Package{
			{Name: "greetlib", Version: "1.0.0", Hashes: []string{"sha256:12"}, Source: "registry", Direct: true},
			{Name: "idna", Version: "3.7", Hashes: []string{"sha256:34"}, Source: "registry", Markers: `python_version >= "3.8"`},
		}},
		SBOM:     SBOM{Present: true, Components: []Component{{Name: "greetlib", Version: "1.0.0", Type: "library", PURL: "pkg:pypi/greetlib@1.0.0"}}},
		Base:     Base{Packages: []BasePackage{{Name: "libc6", Version: "2.36-9+deb12u10", Arch: "amd64", Source: "glibc"}}},
		Findings: []Finding{{RuleID: "PW104", Severity: "medium", File: "pylock.toml", Line: 3, Suppressed: true}},
		Vulns:    []Vuln{{ID: "GHSA-xxxx", Package: "idna", Version: "3.7", Severity: "CRITICAL", Aliases: []string{"CVE-2024-3651"}, Fixed: []string{"3.8"}}},
		Provenance: map[string]any{"predicateType": "https://slsa.dev/provenance/v1",
			"predicate": map[string]any{"runDetails": map[string]any{"builder": map[string]any{"id": "https://pinwheel.dev/builder"}}}},
	}
}

func TestExprGatesPassAndFail(t *testing.T) {
	for _, tt := range []struct {
		expr   string
		passed bool
		reason string
	}{
		{`lock.packages.all(p, size(p.hashes) > 0)`, true, "true"},
		{`vulns.all(v, v.severity != "CRITICAL")`, false, "evaluated to false"},
		{`vulns.filter(v, v.severity == "CRITICAL").all(v, "CVE-2024-3651" in v.aliases && size(v.fixed) > 0)`, true, "true"},
		{`lock.hash == build.lockHash && build.reproducible`, true, "true"},
		{`findings.all(f, f.suppressed || f.severity != "high")`, true, "true"},
		{`sbom.present && sbom.components.exists(c, c.purl.startsWith("pkg:pypi/greetlib"))`, true, "true"},
		{`base.packages.exists(p, p.name == "libc6" && p.source == "glibc")`, true, "true"},
		{`provenance.predicate.runDetails.builder.id == "https://pinwheel.dev/builder"`, true, "true"},
		{`lock.packages.all(p, p.source == "registry") && size(build.sourceBuilds) == 0`, true, "true"},
		{`build.gitCommit.matches("^[0-9a-f]{40}$") && !build.gitDirty`, true, "true"},
		{`tests["unit"].passed`, false, "evaluation failed: no such key: unit"},
		{`provenance.nothing == 1`, false, "evaluation failed: no such key: nothing"},
	} {
		t.Run(tt.expr, func(t *testing.T) {
			gs := gatesOf(t, "service: hello\ngates:\n  - name: g\n    expr: '"+strings.ReplaceAll(tt.expr, "'", "''")+"'\n")
			rep, err := Run(context.Background(), Options{Path: "pinwheel.yaml", Gates: gs, Facts: facts()})
			if err != nil {
				t.Fatal(err)
			}
			g := rep.Gates[0]
			if g.Passed != tt.passed || g.Reason != tt.reason || rep.Passed != tt.passed || g.Kind != "expr" {
				t.Fatalf("gate: passed %v (%s), report passed %v; want %v (%s)", g.Passed, g.Reason, rep.Passed, tt.passed, tt.reason)
			}
		})
	}
}

// Run gates go first: the expressions see their results as tests[NAME].
func TestExprGatesSeeRunGateResults(t *testing.T) {
	gs := gatesOf(t, `service: hello
gates:
  - name: unit-ok
    expr: 'tests["unit"].passed && tests["unit"].exitCode == 0 && tests["unit"].output.contains("OK")'
  - name: unit
    run: [python3, -m, unittest]
  - name: lint
    run: [ruff, check]
  - name: lint-failed-as-expected
    expr: '!tests["lint"].passed && tests["lint"].exitCode == 1'
`)
	runner := recordedRunner{"unit": {ExitCode: 0, Output: "Ran 3 tests\n\nOK\n"}, "lint": {ExitCode: 1, Output: "E501 line too long\n"}}
	rep, err := Run(context.Background(), Options{Path: "pinwheel.yaml", Gates: gs, Facts: facts(), Runner: runner})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, g := range rep.Gates {
		got = append(got, g.Name+"="+map[bool]string{true: "pass", false: "fail"}[g.Passed]+"("+g.Reason+")")
	}
	want := "unit-ok=pass(true) unit=pass(exit 0) lint=fail(exit 1) lint-failed-as-expected=pass(true)"
	if strings.Join(got, " ") != want || rep.Passed {
		t.Fatalf("results %s (passed %v); want %s (not passed)", strings.Join(got, " "), rep.Passed, want)
	}
	if f := rep.Failed(); len(f) != 1 || f[0] != "lint" {
		t.Fatalf("Failed() = %v", f)
	}
}

// recordedRunner answers run: gates with results recorded from real runs
// (the real runner, under runc, is tested in internal/cli's gate tests):
// it checks the orchestration, not the container.
type recordedRunner map[string]Test

func (r recordedRunner) RunGate(_ context.Context, g config.Gate) (Test, error) {
	t := r[g.Name]
	t.Name, t.Passed = g.Name, t.ExitCode == 0 && !t.TimedOut
	return t, nil
}

func TestCompileErrorsPointIntoPinwheelYAML(t *testing.T) {
	for _, tt := range []struct {
		name, doc, at, msg string
	}{
		// 'vulns.all(v, v.severity != )': CEL column 28 (the ")"), after the quote at col 11.
		{"syntax_quoted", "  - name: g\n    expr: 'vulns.all(v, v.severity != )'\n", "pinwheel.yaml:4:39:", "Syntax error"},
		{"unknown_field_plain", "  - name: g\n    expr: lock.packages.all(p, size(p.hashs) > 0)\n", "pinwheel.yaml:4:38:", "undefined field 'hashs'"},
		{"unknown_variable_block", "  - name: g\n    expr: |\n      lock.packages.all(p, true) &&\n        vuln.size() == 0\n", "pinwheel.yaml:6:9:", "undeclared reference to 'vuln'"},
		{"not_bool", "  - name: g\n    expr: size(vulns)\n", "pinwheel.yaml:4:11:", "this one gives int"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gs := gatesOf(t, "service: hello\ngates:\n"+tt.doc)
			_, err := Run(context.Background(), Options{Path: "pinwheel.yaml", Gates: gs, Facts: facts(), Runner: failRunner{t}})
			if err == nil || !inputerr.Is(err) || !strings.HasPrefix(err.Error(), tt.at) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v; want an input error at %s with %q", err, tt.at, tt.msg)
			}
		})
	}
}

// failRunner fails the test if a run: gate runs: compile errors come first.
type failRunner struct{ t *testing.T }

func (f failRunner) RunGate(context.Context, config.Gate) (Test, error) {
	f.t.Fatal("a run: gate ran before the expressions compiled")
	return Test{}, nil
}

// A hostile expression fails its gate at the cost limit instead of running
// on: seven nested comprehensions over 10 items are 10^7 iterations.
func TestCostLimitStopsAHostileExpression(t *testing.T) {
	ten := "[0,1,2,3,4,5,6,7,8,9]"
	expr := "true"
	for _, v := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		expr = ten + ".all(" + v + ", " + expr + ")"
	}
	gs := gatesOf(t, "service: hello\ngates:\n  - name: hostile\n    expr: '"+expr+"'\n  - name: lock-pinned\n    expr: 'lock.packages.all(p, size(p.hashes) > 0)'\n")
	start := time.Now()
	rep, err := Run(context.Background(), Options{Path: "pinwheel.yaml", Gates: gs, Facts: facts()})
	if err != nil {
		t.Fatal(err)
	}
	stopped := strings.Contains(rep.Gates[0].Reason, "exceeded the cost limit") ||
		raceEnabled && strings.Contains(rep.Gates[0].Reason, "ran longer than")
	if g := rep.Gates[0]; g.Passed || !stopped {
		t.Fatalf("hostile gate: passed %v, %q", g.Passed, g.Reason)
	}
	if !rep.Gates[1].Passed || rep.Passed {
		t.Fatalf("the next gate still runs and the report fails: %+v", rep)
	}
	t.Logf("stopped after %s", time.Since(start)) // measured, not asserted
	if raceEnabled {
		return // 10^6 iterations outlast the time bound under the race detector
	}
	// The same shape one level shallower (10^6) fits the limit and passes:
	// the limit is what stopped it.
	shallow := strings.Replace(expr, ten+".all(a, ", "", 1)
	shallow = shallow[:len(shallow)-1]
	p, err := Compile("pinwheel.yaml", config.Gate{Name: "ok", Expr: shallow})
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := p.Eval(context.Background(), facts()); !ok {
		t.Fatalf("10^6 iterations: %s", why)
	}
}

func TestNoGatesIsAnError(t *testing.T) {
	if _, err := Run(context.Background(), Options{Facts: facts()}); err != ErrNoGates {
		t.Fatalf("err = %v", err)
	}
}

func TestRunGateWithoutRunnerFails(t *testing.T) {
	gs := gatesOf(t, "service: hello\ngates:\n  - name: unit\n    run: [python3, -m, unittest]\n")
	rep, err := Run(context.Background(), Options{Gates: gs, Facts: facts()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed || rep.Gates[0].Passed || !strings.Contains(rep.Gates[0].Reason, "not run") {
		t.Fatalf("report %+v", rep)
	}
}
