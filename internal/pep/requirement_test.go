package pep

import (
	"errors"
	"reflect"
	"testing"
)

// Examples from PEP 508's "Examples" section and the dependency specifiers
// spec, plus spacing variants.
func TestParseRequirement(t *testing.T) {
	tests := []struct {
		name, in          string
		reqName           string
		extras            []string
		spec, url, marker string
		canonical         string
	}{
		{"bare", "A", "A", nil, "", "", "", "A"},
		{"dotted", "A.B-C_D", "A.B-C_D", nil, "", "", "", "A.B-C_D"},
		{"spec_example", `requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < "2.7"`, "requests", []string{"security", "tests"},
			"==2.8.*,>=2.8.1", "", `python_version < "2.7"`, `requests[security,tests]==2.8.*,>=2.8.1; python_version < "2.7"`},
		{"url", "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686", "pip", nil, "",
			"https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686", "",
			"pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686"},
		{"url_marker", `name@http://foo.com ; python_version=='3.11'`, "name", nil, "", "http://foo.com", `python_version == "3.11"`,
			`name @ http://foo.com ; python_version == "3.11"`},
		{"parens", "name (>=1.0,<2)", "name", nil, "<2,>=1.0", "", "", "name<2,>=1.0"},
		{"extras_only", "name[quux, strange]", "name", []string{"quux", "strange"}, "", "", "", "name[quux,strange]"},
		{"extras_empty", "name[]", "name", nil, "", "", "", "name"},
		{"marker_no_spec", `name; os_name=="a" or os_name=="b"`, "name", nil, "", "", `os_name == "a" or os_name == "b"`, `name; os_name == "a" or os_name == "b"`},
		{"tight", `name>=3;python_version<"2.7"`, "name", nil, ">=3", "", `python_version < "2.7"`, `name>=3; python_version < "2.7"`},
		{"leading_space", "  name  ==  1.0  ", "name", nil, "==1.0", "", "", "name==1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequirement(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != tt.reqName || !reflect.DeepEqual(r.Extras, tt.extras) || r.Specifier.String() != tt.spec || r.URL != tt.url || r.Marker.String() != tt.marker {
				t.Errorf("got name %q extras %q spec %q url %q marker %q", r.Name, r.Extras, r.Specifier, r.URL, r.Marker)
			}
			if got := r.String(); got != tt.canonical {
				t.Errorf("String() = %q, want %q", got, tt.canonical)
			}
		})
	}
}

func TestRequirementNormalized(t *testing.T) {
	r, err := ParseRequirement("Zope.Interface[Test_Extra,test-extra,Docs]")
	if err != nil {
		t.Fatal(err)
	}
	if r.NormalizedName() != "zope-interface" {
		t.Errorf("NormalizedName = %q", r.NormalizedName())
	}
	if got := r.NormalizedExtras(); !reflect.DeepEqual(got, []string{"docs", "test-extra"}) {
		t.Errorf("NormalizedExtras = %q", got)
	}
}

func TestParseRequirementErrors(t *testing.T) {
	tests := []struct {
		name, in string
		col      int
	}{
		{"empty", "", 1},
		{"bad_name_start", "-name", 1},
		{"bad_name_end", "name- >=1", 1},
		{"unclosed_extras", "name[a,b", 9},
		{"bad_extra", "name[a,-b]", 8},
		{"bad_spec", "name >=1.0, 2.0", 13},
		{"bad_spec_version", "name>=1.x", 8},
		{"unclosed_paren", "name (>=1.0", 12},
		{"bad_marker", "name; python_version >= 3", 25},
		{"url_empty", "name @ ", 8},
		{"url_marker_no_space", `name @ https://x/y.whl; os_name=="a"`, 25},
		{"junk", "name >=1.0 )", 12},
		{"bare_version", "name 1.0", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRequirement(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseRequirement(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Col != tt.col {
				t.Errorf("ParseRequirement(%q): col %d, want %d (%v)", tt.in, se.Col, tt.col, err)
			}
		})
	}
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{
		`requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < "2.7"`,
		"pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
		`name@http://foo.com ; python_version=='3.11'`, "name (>=1.0,<2)", "A", "name[]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			return
		}
		again, err := ParseRequirement(r.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", s, r.String(), err)
		}
		if again.String() != r.String() {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, r.String(), again.String())
		}
	})
}
