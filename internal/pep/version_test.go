package pep

import (
	"errors"
	"testing"
)

// The ordering example from PEP 440 "Summary of permitted suffixes and
// relative ordering", extended with epochs and local labels.
var pep440Ordered = []string{
	"1.0.dev456",
	"1.0a1",
	"1.0a2.dev456",
	"1.0a12.dev456",
	"1.0a12",
	"1.0b1.dev456",
	"1.0b2",
	"1.0b2.post345.dev456",
	"1.0b2.post345",
	"1.0rc1.dev456",
	"1.0rc1",
	"1.0",
	"1.0+abc.5",
	"1.0+abc.7",
	"1.0+5",
	"1.0.post456.dev34",
	"1.0.post456",
	"1.0.15",
	"1.1.dev1",
	"1!0.1",
}

func TestCompareOrdering(t *testing.T) {
	vs := make([]Version, len(pep440Ordered))
	for i, s := range pep440Ordered {
		vs[i] = MustParseVersion(s)
	}
	for i := range vs {
		for j := range vs {
			want := cmpInt(i, j)
			if got := Compare(vs[i], vs[j]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", pep440Ordered[i], pep440Ordered[j], got, want)
			}
		}
	}
}

func TestCompareEqualSpellings(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"trailing_zeros", "1.0", "1.0.0.0"},
		{"epoch_zero", "0!1.2", "1.2"},
		{"leading_zeros", "01.002", "1.2"},
		{"local_spelling", "1.0+ubuntu-1", "1.0+ubuntu.1"},
		{"local_leading_zero", "1.0+01", "1.0+1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := Compare(MustParseVersion(tt.a), MustParseVersion(tt.b)); c != 0 {
				t.Errorf("Compare(%s, %s) = %d, want 0", tt.a, tt.b, c)
			}
		})
	}
}

// Normalisation examples from PEP 440's "Normalization" section.
func TestParseVersionNormalises(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"case", "1.1RC1", "1.1rc1"},
		{"integer", "00", "0"},
		{"integer_release", "09000", "9000"},
		{"integer_pre", "1.0a01", "1.0a1"},
		{"pre_sep_dot", "1.1.a1", "1.1a1"},
		{"pre_sep_dash", "1.1-a1", "1.1a1"},
		{"pre_sep_inner", "1.0a.1", "1.0a1"},
		{"pre_sep_underscore", "1.0a_1", "1.0a1"},
		{"alpha", "1.1alpha1", "1.1a1"},
		{"beta", "1.1beta2", "1.1b2"},
		{"c", "1.1c3", "1.1rc3"},
		{"pre", "1.1pre4", "1.1rc4"},
		{"preview", "1.1preview5", "1.1rc5"},
		{"implicit_pre", "1.2a", "1.2a0"},
		{"post_sep", "1.2-post2", "1.2.post2"},
		{"post_nosep", "1.2post2", "1.2.post2"},
		{"post_inner_sep", "1.0.post.1", "1.0.post1"},
		{"rev", "1.0-rev4", "1.0.post4"},
		{"r", "1.0-r4", "1.0.post4"},
		{"implicit_post_number", "1.2.post", "1.2.post0"},
		{"implicit_post", "1.0-1", "1.0.post1"},
		{"dev_sep", "1.2-dev2", "1.2.dev2"},
		{"dev_nosep", "1.2dev2", "1.2.dev2"},
		{"implicit_dev", "1.2.dev", "1.2.dev0"},
		{"local_seps", "1.0+ubuntu-1", "1.0+ubuntu.1"},
		{"local_case", "1.0+UBUNTU_1", "1.0+ubuntu.1"},
		{"leading_v", "v1.0", "1.0"},
		{"leading_V", "V1.0", "1.0"},
		{"whitespace", " \t1.0\n", "1.0"},
		{"epoch", "1!2.0", "1!2.0"},
		{"epoch_zero", "0!2.0", "2.0"},
		{"everything", "v1!2.3.4-ALPHA-5_post.6-DEV_7+Local_8", "1!2.3.4a5.post6.dev7+local.8"},
		{"trailing_sep_after_pre", "1.0a.", "1.0a0"},
		{"pre_then_implicit_post", "1.0a--1", "1.0a0.post1"},
		{"post_then_local", "1.0.dev.+x", "1.0.dev0+x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", tt.in, err)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("ParseVersion(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseVersionRejects(t *testing.T) {
	tests := []struct {
		name, in string
		col      int
	}{
		{"empty", "", 0},
		{"letters", "french toast", 1},
		{"trailing_dot", "1.0.", 4},
		{"double_dot", "1..0", 2},
		{"local_empty", "1.0+", 5},
		{"local_bad_char", "1.0+a!b", 6},
		{"two_pre", "1.0a1b2", 6},
		{"dash_only", "1.0-", 4},
		{"leading_dot", ".1", 1},
		{"epoch_only", "1!", 3},
		{"huge", "1.99999999999999999999999", 3},
		{"col_after_space", "  1.0 x", 6},
		{"inner_space", "1.0 a1", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseVersion(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseVersion(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Col != tt.col {
				t.Errorf("ParseVersion(%q): col %d, want %d (%v)", tt.in, se.Col, tt.col, err)
			}
		})
	}
}

func TestVersionAccessors(t *testing.T) {
	v := MustParseVersion("2!1.4.0rc2.post3.dev4+abc.7")
	if v.Epoch() != 2 {
		t.Errorf("Epoch = %d", v.Epoch())
	}
	if r := v.Release(); len(r) != 3 || r[0] != 1 || r[1] != 4 || r[2] != 0 {
		t.Errorf("Release = %v", r)
	}
	if k, n := v.Pre(); k != "rc" || n != 2 {
		t.Errorf("Pre = %s %d", k, n)
	}
	if v.Local() != "abc.7" {
		t.Errorf("Local = %q", v.Local())
	}
	if got := v.Public().String(); got != "2!1.4.0rc2.post3.dev4" {
		t.Errorf("Public = %q", got)
	}
	if got := v.Base().String(); got != "2!1.4.0" {
		t.Errorf("Base = %q", got)
	}
	if !v.IsPrerelease() || !v.IsPostrelease() {
		t.Errorf("IsPrerelease/IsPostrelease = %v/%v", v.IsPrerelease(), v.IsPostrelease())
	}
	for s, want := range map[string]bool{"1.0": false, "1.0.dev1": true, "1.0a1": true, "1.0.post1": false, "1.0+local": false} {
		if got := MustParseVersion(s).IsPrerelease(); got != want {
			t.Errorf("%s.IsPrerelease() = %v, want %v", s, got, want)
		}
	}
	var zero Version
	if zero.String() != "0" || Compare(zero, MustParseVersion("0.0")) != 0 {
		t.Errorf("zero Version = %q", zero.String())
	}
	r := v.Release()
	r[0] = 99
	if v.Release()[0] != 1 {
		t.Error("Release returned the internal slice")
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range pep440Ordered {
		f.Add(s)
	}
	for _, s := range []string{"v1!2.3.4-ALPHA-5_post.6-DEV_7+Local_8", "1.0-1", "1.0a.", " 1.0 ", "1.0+01.a", "1.0.post-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		out := v.String()
		w, err := ParseVersion(out)
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", s, out, err)
		}
		if w.String() != out {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, out, w.String())
		}
		if Compare(v, w) != 0 {
			t.Fatalf("%q and its normal form %q compare unequal", s, out)
		}
	})
}

func BenchmarkParseVersion(b *testing.B) {
	inputs := []string{"1.26.4", "2.31.0", "1!2.0.0rc1.post2.dev3+local.7", "4.66.1", "2023.11.17", "0.0.1a1"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseVersion(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	vs := make([]Version, len(pep440Ordered))
	for i, s := range pep440Ordered {
		vs[i] = MustParseVersion(s)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Compare(vs[i%len(vs)], vs[(i+7)%len(vs)])
	}
}

func TestVersionText(t *testing.T) {
	var v Version
	if err := v.UnmarshalText([]byte("V1.0-RC1")); err != nil {
		t.Fatal(err)
	}
	b, _ := v.MarshalText()
	if string(b) != "1.0rc1" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := v.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText(nope) succeeded")
	}
}

// FuzzCompare checks that Compare is a total order on whatever parses:
// antisymmetric, transitive, and consistent with the normalised form.
func FuzzCompare(f *testing.F) {
	f.Add("1.0", "1.0.post1", "1.0a1")
	f.Add("1!0.1", "2.0+local", "2.0")
	f.Add("1.0.dev0", "1.0a0", "1.0.post0.dev0")
	f.Fuzz(func(t *testing.T, x, y, z string) {
		a, errA := ParseVersion(x)
		b, errB := ParseVersion(y)
		c, errC := ParseVersion(z)
		if errA != nil || errB != nil || errC != nil {
			return
		}
		if Compare(a, b) != -Compare(b, a) {
			t.Fatalf("not antisymmetric: %s vs %s", a, b)
		}
		if Compare(a, b) <= 0 && Compare(b, c) <= 0 && Compare(a, c) > 0 {
			t.Fatalf("not transitive: %s <= %s <= %s but %s > %s", a, b, c, a, c)
		}
		if (a.String() == b.String()) && Compare(a, b) != 0 {
			t.Fatalf("same normal form %s, Compare %d", a, Compare(a, b))
		}
	})
}
