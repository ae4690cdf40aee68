package debian

import "testing"

// The expectations were checked against `dpkg --compare-versions` on Debian 12.
func TestCompareVersions(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       int
	}{
		{"equal", "1.0", "1.0", 0},
		{"numeric_not_lexical", "1.10", "1.9", 1},
		{"leading_zeros", "1.001", "1.1", 0},
		{"tilde_before_release", "1.0~rc1", "1.0", -1},
		{"tilde_before_tilde_tilde", "1.0~~", "1.0~", -1},
		{"tilde_vs_tilde_a", "1.0~~a", "1.0~", -1},
		{"end_before_letter", "1.0", "1.0a", -1},
		{"letter_before_plus", "1.0a", "1.0+", -1},
		{"plus_after_end", "1.0+dfsg", "1.0", 1},
		{"dot_after_plus", "1.0+", "1.0.", -1},
		{"epoch_wins", "1:0.1", "9.9", 1},
		{"zero_epoch_equal", "0:1.0", "1.0", 0},
		{"revision", "1.0-2", "1.0-10", -1},
		{"no_revision_equals_zero", "1.0", "1.0-0", 0},
		{"hyphen_in_upstream", "1.0-1-2", "1.0-1-10", -1},
		{"deb12u", "2.36-9+deb12u10", "2.36-9+deb12u9", 1},
		{"security_vs_point", "3.0.15-1~deb12u1", "3.0.15-1", -1},
		{"python", "3.11.2-6+deb12u6", "3.11.2-6", 1},
		{"colon_in_upstream", "1:2:3-1", "1:2:3-0", 1},
		{"alpha_vs_digit", "1.a", "1.1", 1},
		{"uppercase_before_lowercase", "1.A", "1.a", -1},
		{"tilde_less_than_empty_revision", "1.0-1~bpo", "1.0-1", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseVersion(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ParseVersion(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if got := Compare(a, b); got != tt.want {
				t.Errorf("Compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := Compare(b, a); got != -tt.want {
				t.Errorf("Compare(%s, %s) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		name, in string
		want     Version
		bad      bool
	}{
		{"plain", "1.2", Version{Upstream: "1.2"}, false},
		{"full", "2:1.2-3+b1", Version{Epoch: 2, Upstream: "1.2", Revision: "3+b1"}, false},
		{"last_hyphen_splits", "1.2-3-4", Version{Upstream: "1.2-3", Revision: "4"}, false},
		{"colon_keeps_zero_epoch", "0:1:2", Version{Upstream: "1:2"}, false},
		{"empty", "", Version{}, true},
		{"bad_epoch", "x:1.0", Version{}, true},
		{"letter_first", "a1.0", Version{}, true},
		{"empty_revision", "1.0-", Version{}, true},
		{"space", "1.0 beta", Version{}, true},
		{"colon_in_revision", "1.0-1:2", Version{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVersion(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("ParseVersion(%q) = %+v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseVersion(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}
