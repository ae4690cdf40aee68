package pep

import (
	"strings"
	"testing"
)

func TestParseRequirementMatchesPackaging(t *testing.T) {
	corpus := []string{
		"A", "A.B-C_D", "aa", "name", "name<=1", "name>=3", "name>=3,", "name>=3,<2", "name@http://foo.com",
		`name [fred,bar] @ http://foo.com ; python_version=='2.7'`,
		`name[quux, strange];python_version<'2.7' and platform_version=='2'`,
		`name; os_name=='a' or os_name=='b'`,
		`name; os_name=='a' and os_name=='b' or os_name=='c'`,
		`name; (os_name=='a' or os_name=='b') and os_name=='c'`,
		`requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < "2.7"`,
		"name (>=1.0)", "name ( >=1.0 , <2 )", "name[]", "name[ a ]", "name [a]>=1",
		"-name", "name-", "name[a,", "name[a,-b]", "name 1.0", "name >=1.0 )", "name (>=1.0", "name; python_version >= 3",
		"name==1.0+local", "name===arbitrary", "name~=1.4.5", "name!=1.5.*", "Name_With.Dots-and-dashes[Extra_1]",
		"name @ https://x/y.whl ; os_name == 'posix'", "name; extra == 'socks'",
	}
	type result struct {
		Name   string
		Extras []string
		Spec   string
		URL    string
		Marker string
		OK     bool
	}
	var want []result
	runPackagingOracle(t, `
from pip._vendor.packaging.requirements import Requirement, InvalidRequirement
out = []
for s in data:
    try:
        r = Requirement(s)
        out.append({"Name": r.name, "Extras": sorted(r.extras), "Spec": str(r.specifier), "URL": r.url or "", "Marker": str(r.marker) if r.marker else "", "OK": True})
    except InvalidRequirement:
        out.append({"OK": False})
print(json.dumps(out))
`, corpus, &want)
	for i, s := range corpus {
		r, err := ParseRequirement(s)
		w := want[i]
		if (err == nil) != w.OK {
			t.Errorf("ParseRequirement(%q) error = %v, packaging accepts: %v", s, err, w.OK)
			continue
		}
		if err != nil {
			continue
		}
		extras := append([]string(nil), r.Extras...)
		wantSpec, _ := ParseSpecifierSet(w.Spec)
		var wantMarker string
		if w.Marker != "" {
			m, err := ParseMarker(w.Marker)
			if err != nil {
				t.Fatalf("packaging's marker %q does not parse here: %v", w.Marker, err)
			}
			wantMarker = m.String()
		}
		if r.Name != w.Name || strings.Join(sortedCopy(extras), ",") != strings.Join(w.Extras, ",") || r.Specifier.String() != wantSpec.String() ||
			r.URL != w.URL || r.Marker.String() != wantMarker {
			t.Errorf("ParseRequirement(%q) = %q %q %q %q %q, packaging %q %q %q %q %q", s, r.Name, extras, r.Specifier, r.URL, r.Marker,
				w.Name, w.Extras, wantSpec, w.URL, wantMarker)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
