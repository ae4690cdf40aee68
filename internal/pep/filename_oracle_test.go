package pep

import (
	"sort"
	"strings"
	"testing"
)

func TestFilenamesMatchPackaging(t *testing.T) {
	wheels := []string{
		"pip-23.2.1-py3-none-any.whl", "six-1.16.0-py2.py3-none-any.whl", "distribution-1.0-1-py27-none-any.whl",
		"numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "Foo-1.0-PY3-NONE-ANY.whl",
		"foo-1.0-2b-py3-none-any.whl", "foo-1.0-b2-py3-none-any.whl", "foo-x-py3-none-any.whl", "foo-1.0-py3-none.whl",
		"a__b-1.0-py3-none-any.whl", "a.b_c-1.0-py3-none-any.whl", "foo-1.0-py3-none-any.zip", "foo-1.0-1-2-py3-none-any.whl",
		"foo-V1.0-py3-none-any.whl", "x-1.0-py2.py3-none.abi3-any.whl", "foo bar-1.0-py3-none-any.whl",
	}
	type wheelResult struct {
		OK                   bool
		Name, Version, Build string
		Tags                 []string
	}
	var want []wheelResult
	runPackagingOracle(t, `
from pip._vendor.packaging.utils import parse_wheel_filename, InvalidWheelFilename
from pip._vendor.packaging.version import InvalidVersion
out = []
for s in data:
    try:
        name, ver, build, tags = parse_wheel_filename(s)
        out.append({"OK": True, "Name": name, "Version": str(ver), "Build": "".join(str(x) for x in build), "Tags": sorted(str(t) for t in tags)})
    except (InvalidWheelFilename, InvalidVersion):
        out.append({"OK": False})
print(json.dumps(out))
`, wheels, &want)
	for i, s := range wheels {
		w, err := ParseWheelFilename(s)
		if (err == nil) != want[i].OK {
			t.Errorf("ParseWheelFilename(%q) error = %v, packaging accepts: %v", s, err, want[i].OK)
			continue
		}
		if err != nil {
			continue
		}
		v, _ := w.ParsedVersion()
		var tags []string
		for _, tag := range w.Tags {
			tags = append(tags, tag.String())
		}
		sort.Strings(tags)
		if w.NormalizedName() != want[i].Name || v.String() != want[i].Version || w.Build != want[i].Build || strings.Join(tags, " ") != strings.Join(want[i].Tags, " ") {
			t.Errorf("ParseWheelFilename(%q) = %s %s %q %v, packaging %s %s %q %v", s, w.NormalizedName(), v, w.Build, tags,
				want[i].Name, want[i].Version, want[i].Build, want[i].Tags)
		}
	}

	sdists := []string{"zope.interface-6.1.tar.gz", "python-dateutil-2.8.2.zip", "foo.tar.gz", "foo-bar.tar.gz", "Foo_Bar-1.0rc1.tar.gz", "foo-1.0.tar.bz2"}
	var wantSdist []*[2]string
	runPackagingOracle(t, `
from pip._vendor.packaging.utils import parse_sdist_filename, InvalidSdistFilename
from pip._vendor.packaging.version import InvalidVersion
out = []
for s in data:
    try:
        name, ver = parse_sdist_filename(s)
        out.append([name, str(ver)])
    except (InvalidSdistFilename, InvalidVersion):
        out.append(None)
print(json.dumps(out))
`, sdists, &wantSdist)
	for i, s := range sdists {
		sd, err := ParseSdistFilename(s)
		if (err == nil) != (wantSdist[i] != nil) {
			t.Errorf("ParseSdistFilename(%q) error = %v, packaging: %v", s, err, wantSdist[i])
			continue
		}
		if err == nil {
			v := MustParseVersion(sd.Version)
			if sd.NormalizedName() != wantSdist[i][0] || v.String() != wantSdist[i][1] {
				t.Errorf("ParseSdistFilename(%q) = %s %s, packaging %v", s, sd.NormalizedName(), v, *wantSdist[i])
			}
		}
	}
}
