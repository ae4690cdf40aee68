package vuln

import (
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestIgnoreFile(t *testing.T) {
	data := []byte(`ignore:
  - id: CVE-2023-32681
    package: Requests
    reason: no proxies with credentials; upgrade tracked in PLAT-12
    expires: 2027-01-31
  - id: PYSEC-2023-246
    reason: the C parser is used, not the pure-Python one
    expires: 2026-01-01
`)
	igs, err := ParseIgnoreFile(".pinwheel-ignore.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	fs := []Finding{
		{ID: "GHSA-j8r2-6x86-q33q", Aliases: []string{"CVE-2023-32681", "PYSEC-2023-74"}, Package: Package{PyPI, "requests", "2.30.0"}},
		{ID: "PYSEC-2023-246", Package: Package{PyPI, "aiohttp", "3.8.5"}},
	}
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	kept, ignored, expired := ApplyIgnores(fs, igs, now)
	if len(ignored) != 1 || ignored[0].ID != "GHSA-j8r2-6x86-q33q" || ignored[0].By.Line != 2 {
		t.Errorf("ignored = %+v, want the requests finding, by the entry at line 2 (matched through its CVE alias)", ignored)
	}
	if len(kept) != 1 || kept[0].ID != "PYSEC-2023-246" {
		t.Errorf("kept = %+v, want the aiohttp finding (its ignore expired)", kept)
	}
	if len(expired) != 1 || expired[0].ID != "PYSEC-2023-246" || expired[0].Line != 6 {
		t.Errorf("expired = %+v, want the entry at line 6", expired)
	}
	// The day an entry expires is still covered.
	if _, ig, _ := ApplyIgnores(fs, igs, time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)); len(ig) != 1 {
		t.Errorf("on its expiry date the entry no longer applies")
	}
}

func TestIgnoreFileErrors(t *testing.T) {
	for _, tt := range []struct{ name, data, want string }{
		{"no_reason", "ignore:\n  - id: X\n    expires: 2027-01-01\n", "f.yaml:2:5: ignore entry has no reason"},
		{"no_expiry", "ignore:\n  - id: X\n    reason: r\n", "f.yaml:2:5: ignore entry has no expires"},
		{"no_id", "ignore:\n- reason: r\n  expires: 2027-01-01\n", "f.yaml:2:3: ignore entry has no id"},
		{"bad_date", "ignore:\n  - id: X\n    reason: r\n    expires: soon\n", "f.yaml:2:5: expires \"soon\""},
		{"unknown_key", "ignore:\n  - id: X\n    reasn: r\n", "f.yaml:3:5: unknown key \"reasn\""},
		{"not_a_list", "ignore: X\n", "f.yaml:1:9: ignore: want a list"},
		{"syntax", "ignore: [\n", "f.yaml:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIgnoreFile("f.yaml", []byte(tt.data))
			if !inputerr.Is(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want an input error containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseIgnoreFile(f *testing.F) {
	f.Add([]byte("ignore:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n"))
	f.Add([]byte("ignore:\n  - {id: X, reason: r, expires: '2027-01-01T00:00:00Z', package: Foo_Bar}\n"))
	f.Add([]byte("ignore: [\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		igs, err := ParseIgnoreFile("f.yaml", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		for _, ig := range igs {
			if ig.ID == "" || ig.Reason == "" || ig.Expires.IsZero() {
				t.Fatalf("accepted an incomplete entry %+v", ig)
			}
		}
	})
}
