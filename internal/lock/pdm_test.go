package lock

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParsePDMGolden(t *testing.T) {
	runTOMLGolden(t, "pdm", "[[package]]")
}

// TestParsePDMExtrasFolded: pdm writes uvicorn and uvicorn[standard] as two
// entries; the model has one package with the extra and its dependencies.
func TestParsePDMExtrasFolded(t *testing.T) {
	l, err := ParseFile(filepath.Join("testdata", "pdm", "v4-5", "pdm.lock"))
	if err != nil {
		t.Fatal(err)
	}
	var uvicorn []Package
	for _, p := range l.Packages {
		if p.Name == "uvicorn" {
			uvicorn = append(uvicorn, p)
		}
	}
	if len(uvicorn) != 1 {
		t.Fatalf("%d uvicorn packages, want 1", len(uvicorn))
	}
	u := uvicorn[0]
	if strings.Join(u.Extras, ",") != "standard" {
		t.Errorf("extras = %v, want [standard]", u.Extras)
	}
	var names []string
	for _, d := range u.Dependencies {
		names = append(names, d.Name)
	}
	if got := strings.Join(names, ","); got != "click,h11,typing-extensions,colorama,httptools,uvloop" {
		t.Errorf("dependencies = %s", got)
	}
	if len(u.Artifacts) != 2 {
		t.Errorf("%d artifacts, want 2 (not doubled)", len(u.Artifacts))
	}
}

func TestParseRequirementString(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
		want     Dependency
	}{
		{"bare", "idna", true, Dependency{Name: "idna"}},
		{"specifier", "pluggy<2,>=1.5", true, Dependency{Name: "pluggy", Specifier: "<2,>=1.5"}},
		{"extras_marker", `Uvicorn[Standard, http2]>=0.30; python_version < "3.12"`, true,
			Dependency{Name: "uvicorn", Extras: []string{"standard", "http2"}, Specifier: ">=0.30", Marker: `python_version < "3.12"`}},
		{"parenthesised", "chardet (>=3.0.2,<6)", true, Dependency{Name: "chardet", Specifier: ">=3.0.2,<6"}},
		{"url", "pkg @ https://x/pkg-1.0.tar.gz#sha256=ab ; sys_platform == 'linux'", true,
			Dependency{Name: "pkg", Marker: "sys_platform == 'linux'"}},
		{"no_name", "[x]>=1", false, Dependency{}},
		{"unclosed_extras", "a[b>=1", false, Dependency{}},
		{"junk_after_name", "a b", false, Dependency{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseRequirementString(tc.in)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
