package pep

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseWheelFilename(t *testing.T) {
	tests := []struct {
		name, in         string
		dist, ver, build string
		tags             []string
	}{
		{"pure", "pip-23.2.1-py3-none-any.whl", "pip", "23.2.1", "", []string{"py3-none-any"}},
		{"compressed", "six-1.16.0-py2.py3-none-any.whl", "six", "1.16.0", "", []string{"py2-none-any", "py3-none-any"}},
		{"build_tag", "distribution-1.0-1-py27-none-any.whl", "distribution", "1.0", "1", []string{"py27-none-any"}},
		{"manylinux_multi", "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "numpy", "1.26.4", "",
			[]string{"cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"}},
		{"abi3", "cryptography-42.0.5-cp39-abi3-musllinux_1_2_aarch64.whl", "cryptography", "42.0.5", "", []string{"cp39-abi3-musllinux_1_2_aarch64"}},
		{"product", "x-1.0-py2.py3-none.abi3-any.whl", "x", "1.0", "", []string{"py2-none-any", "py2-abi3-any", "py3-none-any", "py3-abi3-any"}},
		{"escaped_name", "typing_extensions-4.9.0-py3-none-any.whl", "typing_extensions", "4.9.0", "", []string{"py3-none-any"}},
		{"uppercase_tags", "Foo-1.0-PY3-NONE-ANY.whl", "Foo", "1.0", "", []string{"py3-none-any"}},
		{"build_tag_suffix", "foo-1.0-2b-py3-none-any.whl", "foo", "1.0", "2b", []string{"py3-none-any"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWheelFilename(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tag := range w.Tags {
				got = append(got, tag.String())
			}
			if w.Distribution != tt.dist || w.Version != tt.ver || w.Build != tt.build || !reflect.DeepEqual(got, tt.tags) {
				t.Errorf("got %q %q %q %v, want %q %q %q %v", w.Distribution, w.Version, w.Build, got, tt.dist, tt.ver, tt.build, tt.tags)
			}
		})
	}
}

func TestParseWheelFilenameErrors(t *testing.T) {
	tests := []struct {
		name, in string
		col      int
	}{
		{"not_whl", "pip-23.2.1.tar.gz", 0},
		{"too_few", "pip-23.2.1-py3-any.whl", 0},
		{"too_many", "a-b-1.0-1-py3-none-any.whl", 0},
		{"bad_version", "pip-x.y-py3-none-any.whl", 5},
		{"bad_build", "pip-1.0-b1-py3-none-any.whl", 9},
		{"empty_tag", "pip-1.0-py3.-none-any.whl", 9},
		{"empty_abi", "pip-1.0-py3--any.whl", 13},
		{"bad_name", "pi p-1.0-py3-none-any.whl", 1},
		{"double_underscore", "a__b-1.0-py3-none-any.whl", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWheelFilename(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v, want *SyntaxError", err)
			}
			if se.Col != tt.col {
				t.Errorf("col %d, want %d (%v)", se.Col, tt.col, err)
			}
		})
	}
}

func TestBuildNumber(t *testing.T) {
	for name, want := range map[string]struct {
		n      int
		suffix string
	}{
		"pip-1.0-py3-none-any.whl": {-1, ""}, "pip-1.0-12-py3-none-any.whl": {12, ""}, "pip-1.0-3abc-py3-none-any.whl": {3, "abc"},
	} {
		w, err := ParseWheelFilename(name)
		if err != nil {
			t.Fatal(err)
		}
		if n, s := w.BuildNumber(); n != want.n || s != want.suffix {
			t.Errorf("%s: BuildNumber = %d %q, want %d %q", name, n, s, want.n, want.suffix)
		}
	}
}

func TestParseSdistFilename(t *testing.T) {
	s, err := ParseSdistFilename("zope.interface-6.1.tar.gz")
	if err != nil || s.Distribution != "zope.interface" || s.Version != "6.1" || s.NormalizedName() != "zope-interface" {
		t.Errorf("got %+v, %v", s, err)
	}
	s, err = ParseSdistFilename("python-dateutil-2.8.2.zip")
	if err != nil || s.Distribution != "python-dateutil" || s.Version != "2.8.2" || s.Extension != ".zip" {
		t.Errorf("got %+v, %v", s, err)
	}
	for _, bad := range []string{"foo.tar.gz", "foo-bar.tar.gz", "foo-1.0.whl", "-1.0.tar.gz"} {
		if _, err := ParseSdistFilename(bad); err == nil {
			t.Errorf("ParseSdistFilename(%q) succeeded", bad)
		}
	}
}

func mustTarget(t *testing.T, platform, python string) Target {
	t.Helper()
	tg, err := ParseTarget(platform, python)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestParseTarget(t *testing.T) {
	tests := []struct{ platform, python, arch string }{
		{"linux/amd64", "3.11", "x86_64"},
		{"linux/arm64", "3.12", "aarch64"},
		{"linux/arm64/v8", "3.12.1", "aarch64"},
		{"linux/arm/v7", "3.9", "armv7l"},
		{"linux/386", "3.10", "i686"},
	}
	for _, tt := range tests {
		tg := mustTarget(t, tt.platform, tt.python)
		if tg.Arch != tt.arch || tg.Implementation != "cp" || tg.Libc != "glibc" || tg.LibcVersion != DefaultGlibcVersion {
			t.Errorf("ParseTarget(%q, %q) = %+v", tt.platform, tt.python, tg)
		}
	}
	for _, bad := range [][2]string{{"windows/amd64", "3.11"}, {"linux", "3.11"}, {"linux/mips", "3.11"}, {"linux/amd64", "3"}, {"linux/amd64", "three.eleven"}} {
		if _, err := ParseTarget(bad[0], bad[1]); err == nil {
			t.Errorf("ParseTarget(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}

func TestPlatformsManylinuxAliases(t *testing.T) {
	x86 := mustTarget(t, "linux/amd64", "3.11")
	x86.LibcVersion = "2.18"
	got, err := x86.Platforms()
	if err != nil {
		t.Fatal(err)
	}
	want := "manylinux_2_18_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux_2_16_x86_64 manylinux_2_15_x86_64 " +
		"manylinux_2_14_x86_64 manylinux_2_13_x86_64 manylinux_2_12_x86_64 manylinux2010_x86_64 manylinux_2_11_x86_64 " +
		"manylinux_2_10_x86_64 manylinux_2_9_x86_64 manylinux_2_8_x86_64 manylinux_2_7_x86_64 manylinux_2_6_x86_64 " +
		"manylinux_2_5_x86_64 manylinux1_x86_64 linux_x86_64"
	if strings.Join(got, " ") != want {
		t.Errorf("x86_64 glibc 2.18 platforms:\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	arm := mustTarget(t, "linux/arm64", "3.11")
	arm.LibcVersion = "2.18"
	got, _ = arm.Platforms()
	if want := "manylinux_2_18_aarch64 manylinux_2_17_aarch64 manylinux2014_aarch64 linux_aarch64"; strings.Join(got, " ") != want {
		t.Errorf("aarch64 platforms = %s, want %s", strings.Join(got, " "), want)
	}

	musl := mustTarget(t, "linux/amd64", "3.11")
	musl.Libc, musl.LibcVersion = "musl", "1.2"
	got, _ = musl.Platforms()
	if want := "musllinux_1_2_x86_64 musllinux_1_1_x86_64 musllinux_1_0_x86_64 linux_x86_64"; strings.Join(got, " ") != want {
		t.Errorf("musl platforms = %s, want %s", strings.Join(got, " "), want)
	}
}

func TestSupportedTagsOrder(t *testing.T) {
	tg := mustTarget(t, "linux/amd64", "3.11")
	tg.LibcVersion = "2.17"
	tags := SupportedTags(tg)
	var head []string
	for _, tag := range tags[:4] {
		head = append(head, tag.String())
	}
	if want := "cp311-cp311-manylinux_2_17_x86_64 cp311-cp311-manylinux2014_x86_64 cp311-cp311-manylinux_2_16_x86_64 cp311-cp311-manylinux_2_15_x86_64"; strings.Join(head, " ") != want {
		t.Errorf("first tags = %s", strings.Join(head, " "))
	}
	if last := tags[len(tags)-1].String(); last != "py30-none-any" {
		t.Errorf("last tag = %s, want py30-none-any", last)
	}
	ranks := tg.Ranks()
	order := []string{
		"cp311-cp311-manylinux_2_17_x86_64", "cp311-abi3-manylinux_2_17_x86_64", "cp311-none-manylinux_2_17_x86_64",
		"cp310-abi3-manylinux_2_17_x86_64", "cp32-abi3-linux_x86_64", "py311-none-manylinux1_x86_64", "py3-none-linux_x86_64",
		"cp311-none-any", "py311-none-any", "py3-none-any", "py30-none-any",
	}
	prev := -1
	for _, s := range order {
		parts, _ := ParseTag(s)
		r, ok := ranks[parts[0]]
		if !ok || r <= prev {
			t.Errorf("%s: rank %d (ok=%v), want after %d", s, r, ok, prev)
		}
		prev = r
	}
	for _, s := range []string{"cp312-cp312-manylinux_2_17_x86_64", "cp311-cp311-manylinux_2_28_x86_64", "cp311-cp311-musllinux_1_1_x86_64",
		"cp311-cp311-manylinux_2_17_aarch64", "py2-none-any", "cp31-abi3-linux_x86_64", "pp310-pypy310_pp73-manylinux_2_17_x86_64"} {
		parts, _ := ParseTag(s)
		if r, ok := ranks[parts[0]]; ok {
			t.Errorf("%s is supported (rank %d), want unsupported", s, r)
		}
	}
}

func TestRankPicksBestWheel(t *testing.T) {
	tg := mustTarget(t, "linux/amd64", "3.11")
	ranks := tg.Ranks()
	files := []string{
		"numpy-1.26.4-cp311-cp311-musllinux_1_1_x86_64.whl",
		"numpy-1.26.4-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
		"numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"numpy-1.26.4-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.whl",
		"numpy-1.26.4-py3-none-any.whl",
	}
	best, bestRank := "", -1
	for _, f := range files {
		w, err := ParseWheelFilename(f)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := ranks.Rank(w)
		if ok && (bestRank < 0 || r < bestRank) {
			best, bestRank = f, r
		}
		if single, singleOK := tg.Rank(w); single != r || singleOK != ok {
			t.Errorf("Target.Rank and TagRanks.Rank disagree on %s", f)
		}
	}
	if best != files[2] {
		t.Errorf("best wheel = %s, want %s", best, files[2])
	}
	w, _ := ParseWheelFilename(files[0])
	if _, ok := ranks.Rank(w); ok {
		t.Error("musllinux wheel accepted on a glibc target")
	}
}

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{"six-1.16.0-py2.py3-none-any.whl", "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "distribution-1.0-1-py27-none-any.whl", "a-1-p-n-a.whl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWheelFilename(s)
		if err != nil {
			return
		}
		if len(w.Tags) == 0 {
			t.Fatalf("%q parsed with no tags", s)
		}
		again, err := ParseWheelFilename(w.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", s, w.String(), err)
		}
		if again.Distribution != w.Distribution || again.Version != w.Version || again.Build != w.Build {
			t.Fatalf("round trip changed %q into %q", s, w.String())
		}
		ranks := Target{PythonVersion: "3.11", Arch: "x86_64"}.Ranks()
		r1, ok1 := ranks.Rank(w)
		r2, ok2 := ranks.Rank(again)
		if r1 != r2 || ok1 != ok2 {
			t.Fatalf("rank of %q changed after round trip", s)
		}
	})
}

func TestSupportedTagsFreeThreaded(t *testing.T) {
	tg := mustTarget(t, "linux/amd64", "3.13t")
	if !tg.FreeThreaded() {
		t.Fatal("3.13t is not free-threaded")
	}
	ranks := tg.Ranks()
	for tag, want := range map[string]bool{
		"cp313-cp313t-manylinux_2_17_x86_64": true, "cp313-none-linux_x86_64": true, "py3-none-any": true,
		"cp313-cp313-manylinux_2_17_x86_64": false, "cp313-abi3-manylinux_2_17_x86_64": false, "cp39-abi3-manylinux_2_17_x86_64": false,
	} {
		parsed, _ := ParseTag(tag)
		if _, ok := ranks[parsed[0]]; ok != want {
			t.Errorf("%s supported = %v, want %v", tag, ok, want)
		}
	}
	if env := EnvironmentFor(tg); env["python_version"] != "3.13" || env["python_full_version"] != "3.13.0" {
		t.Errorf("environment = %v", env)
	}
	if _, err := ParseTarget("linux/amd64", "3.12t"); err == nil {
		t.Error("3.12t accepted")
	}
}

func TestSupportedTagsInvalidTarget(t *testing.T) {
	for name, tg := range map[string]Target{
		"no_arch":     {PythonVersion: "3.11"},
		"darwin":      {PythonVersion: "3.11", Arch: "x86_64", OS: "darwin"},
		"bad_python":  {PythonVersion: "3", Arch: "x86_64"},
		"bad_libc":    {PythonVersion: "3.11", Arch: "x86_64", LibcVersion: "2"},
		"musl_no_ver": {PythonVersion: "3.11", Arch: "x86_64", Libc: "musl", LibcVersion: "x.y"},
	} {
		if tags := SupportedTags(tg); len(tags) != 0 {
			t.Errorf("%s: %d tags, want none", name, len(tags))
		}
		if _, err := tg.Platforms(); err == nil && name != "bad_python" {
			t.Errorf("%s: Platforms() succeeded", name)
		}
	}
}
