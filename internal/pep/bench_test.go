package pep

import (
	"fmt"
	"slices"
	"testing"
)

// lockSizedVersions returns n deterministic, varied version strings, about
// what a 2,000-package lock holds.
func lockSizedVersions(n int) []string {
	suffixes := []string{"", "", "", ".post1", "rc1", "a2", ".dev3", "+cpu", "b1", ""}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%d.%d.%d%s", i%7, (i*31)%23, (i*17)%101, suffixes[i%len(suffixes)])
	}
	return out
}

// BenchmarkParseAndSort2000 parses and sorts 2,000 versions, the work of
// diffing two lock files of that size once.
func BenchmarkParseAndSort2000(b *testing.B) {
	inputs := lockSizedVersions(2000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		vs := make([]Version, len(inputs))
		for j, s := range inputs {
			v, err := ParseVersion(s)
			if err != nil {
				b.Fatal(err)
			}
			vs[j] = v
		}
		slices.SortFunc(vs, Compare)
	}
}

func BenchmarkSpecifierContains(b *testing.B) {
	set, err := ParseSpecifierSet(">=1.2, !=1.5.*, <2, ~=1.4")
	if err != nil {
		b.Fatal(err)
	}
	v := MustParseVersion("1.4.7")
	for i := 0; i < b.N; i++ {
		set.Contains(v, false)
	}
}

func BenchmarkMarkerEvaluate(b *testing.B) {
	m, err := ParseMarker(`python_version >= "3.8" and (sys_platform == "linux" or extra == "socks")`)
	if err != nil {
		b.Fatal(err)
	}
	env := EnvironmentFor(Target{PythonVersion: "3.11", Arch: "x86_64"})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := m.Evaluate(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSupportedTags(b *testing.B) {
	t := Target{PythonVersion: "3.11", Arch: "x86_64"}
	for i := 0; i < b.N; i++ {
		t.Ranks()
	}
}
