package pep

import (
	"fmt"
	"strings"
	"testing"
)

// TestSupportedTagsMatchPackaging compares SupportedTags with the list pip's
// vendored packaging.tags builds for the same interpreter, with its libc
// probes replaced by the target's libc version.
func TestSupportedTagsMatchPackaging(t *testing.T) {
	type target struct {
		Python, Arch, Libc, LibcVersion string
	}
	targets := []target{
		{"3.11", "x86_64", "glibc", "2.36"},
		{"3.12", "aarch64", "glibc", "2.28"},
		{"3.8", "i686", "glibc", "2.17"},
		{"3.11", "x86_64", "musl", "1.2"},
		{"3.10", "armv7l", "glibc", "2.31"},
		{"3.13", "s390x", "glibc", "2.16"},
	}
	var want [][]string
	runPackagingOracle(t, `
from pip._vendor.packaging import tags, _manylinux, _musllinux
out = []
for t in data:
    major, minor = (int(x) for x in t["Python"].split("."))
    lmaj, lmin = (int(x) for x in t["LibcVersion"].split("."))
    arch = t["Arch"]
    _manylinux._get_glibc_version = lambda: (lmaj, lmin)
    _manylinux._have_compatible_abi = lambda arch: True
    _musllinux._get_musl_version = lambda exe: _musllinux._MuslVersion(lmaj, lmin)
    if t["Libc"] == "musl":
        plats = list(_musllinux.platform_tags(arch))
    else:
        plats = list(_manylinux.platform_tags("linux_" + arch, arch))
    plats.append("linux_" + arch)
    interp = "cp%d%d" % (major, minor)
    got = list(tags.cpython_tags((major, minor), abis=[interp], platforms=plats))
    got += list(tags.compatible_tags((major, minor), interp, plats))
    out.append([str(x) for x in got])
print(json.dumps(out))
`, targets, &want)
	for i, tt := range targets {
		tg := Target{PythonVersion: tt.Python, Arch: tt.Arch, Libc: tt.Libc, LibcVersion: tt.LibcVersion}
		var got []string
		for _, tag := range SupportedTags(tg) {
			got = append(got, tag.String())
		}
		if strings.Join(got, "\n") != strings.Join(want[i], "\n") {
			t.Errorf("%+v: %d tags, packaging has %d\n%s", tt, len(got), len(want[i]), firstDifference(got, want[i]))
		}
	}
}

func firstDifference(got, want []string) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("first difference at %d: got %s, want %s", i, g, w)
		}
	}
	return ""
}
