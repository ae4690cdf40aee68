package pep

import (
	"errors"
	"strings"
	"testing"
)

// Examples from PEP 440's "Version specifiers" section.
func TestSpecifierSetContains(t *testing.T) {
	tests := []struct {
		name     string
		spec     string
		version  string
		allowPre bool
		want     bool
	}{
		{"compatible_2_2_low", "~=2.2", "2.1", false, false},
		{"compatible_2_2_eq", "~=2.2", "2.2", false, true},
		{"compatible_2_2_minor", "~=2.2", "2.9", false, true},
		{"compatible_2_2_major", "~=2.2", "3.0", false, false},
		{"compatible_1_4_5_patch", "~=1.4.5", "1.4.9", false, true},
		{"compatible_1_4_5_minor", "~=1.4.5", "1.5.0", false, false},
		{"compatible_post", "~=2.2.post3", "2.2.post2", false, false},
		{"compatible_post_next", "~=2.2.post3", "2.3", false, true},
		{"compatible_pre", "~=1.4.5a4", "1.4.5a5", false, true},
		{"compatible_pre_final", "~=1.4.5a4", "1.4.5", false, true},
		{"compatible_pre_out", "~=1.4.5a4", "1.5", false, false},
		{"compatible_trailing_zero", "~=2.2.0", "2.3", false, false},
		{"compatible_epoch", "~=1!1.1", "1!1.5", false, true},
		{"compatible_epoch_other", "~=1!1.1", "1.5", false, false},
		{"equal_post_exact", "==1.1.post1", "1.1.post1", false, true},
		{"equal_post_not_final", "==1.1", "1.1.post1", false, false},
		{"equal_wildcard_post", "==1.1.*", "1.1.post1", false, true},
		{"equal_padding", "==1.1", "1.1.0", false, true},
		{"equal_wildcard_padding", "==1.1.0.*", "1.1", false, true},
		{"equal_wildcard_other", "==1.1.*", "1.10", false, false},
		{"equal_wildcard_pre_allowed", "==1.1.*", "1.1a1", true, true},
		{"equal_wildcard_pre_excluded", "==1.1.*", "1.1a1", false, false},
		{"equal_ignores_local", "==1.0", "1.0+local", false, true},
		{"equal_local_needs_local", "==1.0+local", "1.0", false, false},
		{"equal_local_exact", "==1.0+local", "1.0+LOCAL", false, true},
		{"not_equal", "!=1.1", "1.1.0", false, false},
		{"not_equal_wildcard", "!=1.1.*", "1.1.post1", false, false},
		{"not_equal_other", "!=1.1.*", "1.2", false, true},
		{"gt_post_excluded", ">1.7", "1.7.post2", false, false},
		{"gt_post_of_post", ">1.7.post2", "1.7.post3", false, true},
		{"gt_next_release", ">1.7", "1.7.1", false, true},
		{"gt_local_excluded", ">1.7", "1.7+local", false, false},
		{"lt_pre_excluded", "<3.1", "3.1.dev0", true, false},
		{"lt_pre_of_pre", "<3.1a2", "3.1a1", false, true},
		{"lt_earlier_pre", "<3.1", "3.0rc1", true, true},
		{"le_local", "<=1.0", "1.0+local", false, true},
		{"ge_dev", ">=1.0", "1.0.dev1", true, false},
		{"arbitrary", "===foobar", "1.0", false, false},
		{"arbitrary_version", "===1.0", "1.0", false, true},
		{"arbitrary_not_padded", "===1.0.0", "1.0", false, false},
		{"prerelease_excluded", ">=1.0", "2.0b1", false, false},
		{"prerelease_allowed", ">=1.0", "2.0b1", true, true},
		{"prerelease_named", ">=1.0b1", "2.0b1", false, true},
		{"prerelease_named_not_equal", "!=1.0b1", "2.0b1", false, false},
		{"range", ">=1.2,<2,!=1.5.*", "1.5.3", false, false},
		{"range_ok", ">= 1.2, < 2, != 1.5.*", "1.6", false, true},
		{"empty_final", "", "1.0", false, true},
		{"empty_pre", "", "1.0a1", false, false},
		{"whitespace_v", "== v1.0", "1.0", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ParseSpecifierSet(tt.spec)
			if err != nil {
				t.Fatalf("ParseSpecifierSet(%q): %v", tt.spec, err)
			}
			if got := set.Contains(MustParseVersion(tt.version), tt.allowPre); got != tt.want {
				t.Errorf("%q.Contains(%s, %v) = %v, want %v", tt.spec, tt.version, tt.allowPre, got, tt.want)
			}
		})
	}
}

func TestParseSpecifierSetErrors(t *testing.T) {
	tests := []struct {
		name, in string
		col      int
	}{
		{"no_operator", "1.0", 1},
		{"no_operator_second", ">=1.0, 2.0", 8},
		{"wildcard_ge", ">=1.0.*", 6},
		{"wildcard_pre", "==1.0a1.*", 3},
		{"local_ge", ">=1.0+abc", 3},
		{"local_compatible", "~=1.0+abc", 3},
		{"compatible_one_number", "~=1", 3},
		{"missing_version", ">=", 3},
		{"bad_version", "==1.0$", 6},
		{"bad_version_spaced", ">=1.0, <= 2x", 12},
		{"inner_space", "==1.0 a1", 6},
		{"arbitrary_empty", "===", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSpecifierSet(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSpecifierSet(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Col != tt.col {
				t.Errorf("ParseSpecifierSet(%q): col %d, want %d (%v)", tt.in, se.Col, tt.col, err)
			}
		})
	}
}

func TestSpecifierSetString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"sorted", "<2, >=1.0", "<2,>=1.0"},
		{"normalised", "== 1.0.0A1 , ~=V2.2", "==1.0.0a1,~=2.2"},
		{"wildcard", "!=1.01.*", "!=1.1.*"},
		{"dedup", ">=1,>=1.0,>=1", ">=1,>=1.0"},
		{"arbitrary", "===Foo", "===Foo"},
		{"empty", " , ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ParseSpecifierSet(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := set.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsExactPin(t *testing.T) {
	for spec, want := range map[string]bool{
		"==1.0": true, "===1.0": true, "== 1.0+local": true,
		"==1.*": false, ">=1.0": false, "==1.0,<2": false, "": false, "~=1.0": false,
	} {
		set, err := ParseSpecifierSet(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := set.IsExactPin(); got != want {
			t.Errorf("%q.IsExactPin() = %v, want %v", spec, got, want)
		}
	}
}

func FuzzParseSpecifierSet(f *testing.F) {
	for _, s := range []string{"~=2.2", ">=1.2, !=1.5.*, <2", "==1.0+local", "===foo", "", "==v1!2.0a1.post2.dev3", "<=1,>1"} {
		f.Add(s, "1.5")
	}
	f.Fuzz(func(t *testing.T, spec, version string) {
		set, err := ParseSpecifierSet(spec)
		if err != nil {
			return
		}
		again, err := ParseSpecifierSet(set.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", spec, set.String(), err)
		}
		if again.String() != set.String() {
			t.Fatalf("not a fixed point: %q -> %q -> %q", spec, set.String(), again.String())
		}
		if v, err := ParseVersion(version); err == nil {
			if set.Contains(v, true) != again.Contains(v, true) {
				t.Fatalf("%q and %q disagree on %s", spec, set.String(), v)
			}
		}
	})
}

func TestSpecifierSetFilter(t *testing.T) {
	parse := func(ss ...string) []Version {
		out := make([]Version, len(ss))
		for i, s := range ss {
			out[i] = MustParseVersion(s)
		}
		return out
	}
	str := func(vs []Version) string {
		var out []string
		for _, v := range vs {
			out = append(out, v.String())
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name, spec string
		versions   []string
		allowPre   bool
		want       string
	}{
		{"finals_only", ">=1.0", []string{"0.9", "1.0", "1.1a1", "1.2"}, false, "1.0 1.2"},
		{"allow_pre", ">=1.0", []string{"0.9", "1.0", "1.1a1", "1.2"}, true, "1.0 1.1a1 1.2"},
		{"only_pre_matches", ">=1.5", []string{"1.0", "2.0b1", "2.0rc1"}, false, "2.0b1 2.0rc1"},
		{"nothing", ">=3.0", []string{"1.0", "2.0b1"}, false, ""},
		{"named_pre", ">=2.0b1", []string{"1.0", "2.0b1", "2.0"}, false, "2.0b1 2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ParseSpecifierSet(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := str(set.Filter(parse(tt.versions...), tt.allowPre)); got != tt.want {
				t.Errorf("Filter = %q, want %q", got, tt.want)
			}
		})
	}
}
