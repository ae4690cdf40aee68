package pep

import (
	"testing"
)

// markerOracleEnvs are environments without pre-release Python versions,
// where packaging 21.3 (vendored by the pip here) and the current spec agree.
func markerOracleEnvs() []Environment {
	a := EnvironmentFor(Target{PythonVersion: "3.11.7", Arch: "x86_64"})
	b := EnvironmentFor(Target{PythonVersion: "3.8", Arch: "aarch64"})
	for _, e := range []Environment{a, b} {
		e["extra"] = "socks"
	}
	return []Environment{a, b}
}

func TestMarkerMatchesPackaging(t *testing.T) {
	vars := []string{"python_version", "python_full_version", "sys_platform", "platform_machine", "os_name", "implementation_name", "extra"}
	values := []string{"3.8", "3.11", "3.11.*", "3", "3.11.7", "linux", "x86_64", "posix", "cpython", "socks", "86"}
	ops := []string{"==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in"}
	var markers []string
	for _, v := range vars {
		for _, op := range ops {
			for _, val := range values {
				markers = append(markers, v+" "+op+" '"+val+"'", "'"+val+"' "+op+" "+v)
			}
		}
	}
	markers = append(markers,
		`python_version >= "3.8" and (sys_platform == "linux" or extra == "socks")`,
		`python_version < "3.9" or platform_machine == "aarch64" and os_name == "nt"`,
		`(python_version < "3.9" or platform_machine == "aarch64") and os_name == "nt"`,
		`python_version >= 3.8`, `os_name == "a" and`, `(os_name == "a"`, `os_name = "a"`, `os_name == "a" or or`,
	)
	envs := markerOracleEnvs()
	type query struct {
		Marker string
		Env    Environment
	}
	var queries []query
	for _, m := range markers {
		for _, e := range envs {
			queries = append(queries, query{m, e})
		}
	}
	var want []*bool // nil: parse or evaluation error
	runPackagingOracle(t, `
from pip._vendor.packaging.markers import Marker
out = []
for q in data:
    try:
        out.append(Marker(q["Marker"]).evaluate(q["Env"]))
    except Exception:
        out.append(None)
print(json.dumps(out))
`, queries, &want)
	compared := 0
	for i, q := range queries {
		m, err := ParseMarker(q.Marker)
		var got *bool
		if err == nil {
			if ok, err := m.Evaluate(q.Env); err == nil {
				got = &ok
			}
		}
		if legacyVersionCase(m, q.Env) {
			continue
		}
		compared++
		if (got == nil) != (want[i] == nil) || (got != nil && *got != *want[i]) {
			t.Errorf("%s in %s/%s: got %v, packaging %v", q.Marker, q.Env["python_full_version"], q.Env["platform_machine"], show(got), show(want[i]))
		}
	}
	if compared < len(queries)/2 {
		t.Errorf("only %d of %d queries compared", compared, len(queries))
	}
	t.Logf("%d of %d marker evaluations compared with packaging", compared, len(queries))
}

// legacyVersionCase reports a comparison where one value is not a version
// but the operator and other value form a valid specifier: packaging 21.3
// then compares "legacy" versions, where the current spec (and this
// package) fall back to comparing strings.
func legacyVersionCase(m Marker, env Environment) bool {
	c, ok := m.root.(*markerCompare)
	if !ok {
		return false
	}
	lhs, _ := c.lhs.resolve(env, 0)
	rhs, _ := c.rhs.resolve(env, 0)
	_, specErr := ParseSpecifier(c.op + rhs)
	_, verErr := ParseVersion(lhs)
	return specErr == nil && verErr != nil && c.op != "==="
}

func show(b *bool) string {
	if b == nil {
		return "error"
	}
	if *b {
		return "true"
	}
	return "false"
}
