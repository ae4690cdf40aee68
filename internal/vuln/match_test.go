package vuln

import (
	"context"
	"slices"
	"testing"
)

func loadTestdata(t *testing.T) *DB {
	t.Helper()
	db, err := Load("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMatchRealRecords runs every matching rule on the real advisory
// records of testdata/osv (see testdata/README.md).
func TestMatchRealRecords(t *testing.T) {
	db := loadTestdata(t)
	tests := []struct {
		name string
		pkg  Package
		want []string // record ids
	}{
		{"introduced_fixed_inside", Package{PyPI, "requests", "2.30.0"}, []string{"GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"}},
		{"introduced_is_inclusive", Package{PyPI, "requests", "2.3.0"}, []string{"GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"}},
		{"before_introduced", Package{PyPI, "requests", "2.2.1"}, nil},
		{"fixed_is_exclusive", Package{PyPI, "requests", "2.31.0"}, nil},
		{"pep503_name", Package{PyPI, "Requests", "2.30.0"}, []string{"GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"}},
		{"pep440_not_text_order", Package{PyPI, "jinja2", "2.10"}, []string{"PYSEC-2021-66"}},
		{"prerelease_of_fix_affected", Package{PyPI, "Jinja2", "2.11.3rc1"}, []string{"PYSEC-2021-66"}},
		{"fix_itself", Package{PyPI, "jinja2", "2.11.3"}, nil},
		{"postrelease_of_fix", Package{PyPI, "jinja2", "2.11.3.post1"}, nil},
		{"pep440_equivalent_spelling", Package{PyPI, "jinja2", "2.11.2.0"}, []string{"PYSEC-2021-66"}},
		{"last_affected_inclusive", Package{PyPI, "py", "1.11.0"}, []string{"PYSEC-2022-42969"}},
		{"after_last_affected", Package{PyPI, "py", "1.11.1"}, nil},
		{"versions_list_only", Package{PyPI, "gratient", "0.5"}, []string{"PYSEC-2024-1"}},
		{"versions_list_pep440_equal", Package{PyPI, "gratient", "0.5.0"}, []string{"PYSEC-2024-1"}},
		{"versions_list_other", Package{PyPI, "gratient", "0.4"}, nil},
		{"withdrawn_ignored", Package{PyPI, "flask-caching", "1.10.1"}, nil},
		{"dpkg_before_fix", Package{"Debian:7", "nginx", "1.2.1-2.2+wheezy2"}, []string{"DSA-3029-1"}},
		{"dpkg_fix", Package{"Debian:7", "nginx", "1.2.1-2.2+wheezy3"}, nil},
		{"dpkg_tilde_sorts_before", Package{"Debian:7", "nginx", "1.2.1-2.2+wheezy3~bpo1"}, []string{"DSA-3029-1"}},
		{"dpkg_epoch_is_newer", Package{"Debian:7", "nginx", "1:1.0-1"}, nil},
		{"debian_other_release", Package{"Debian:12", "nginx", "1.2.1-2.2"}, nil},
		{"debian_no_fix", Package{"Debian:10", "unixodbc", "2.3.6-0.1"}, []string{"CVE-2024-1013"}},
		{"debian_release_must_match", Package{"Debian:11", "unixodbc", "2.3.6-0.1"}, nil},
		{"other_ecosystem", Package{"npm", "requests", "2.30.0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range db.Match(tt.pkg) {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Match(%v) = %v, want %v", tt.pkg, got, tt.want)
			}
		})
	}
}

func TestInRangeLimitAndUnsorted(t *testing.T) {
	parse := parser(PyPI)
	v := func(s string) version {
		x, err := parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	// Two introduced/fixed pairs, given out of order; a limit caps both.
	events := []Event{{Fixed: "2.0"}, {Introduced: "1.0"}, {Introduced: "3.0"}, {Fixed: "4.0"}, {Limit: "3.5"}}
	for s, want := range map[string]bool{"0.9": false, "1.0": true, "1.9": true, "2.0": false, "2.5": false, "3.0": true, "3.4": true, "3.5": false, "3.9": false, "4.1": false} {
		if got := inRange(events, v(s), parse); got != want {
			t.Errorf("inRange(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestScanMergesAliases(t *testing.T) {
	db := loadTestdata(t)
	fs, err := Scan(context.Background(), db, []Package{
		{PyPI, "requests", "2.30.0"}, {PyPI, "Requests", "2.30.0"}, // one package, two spellings
		{PyPI, "aiohttp", "3.8.5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2 (aiohttp, and requests once): %+v", len(fs), fs)
	}
	req := fs[1]
	if req.ID != "GHSA-j8r2-6x86-q33q" || !slices.Equal(req.Records, []string{"GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"}) {
		t.Errorf("requests finding = %s %v, want GHSA-j8r2-6x86-q33q merging both records", req.ID, req.Records)
	}
	if !slices.Equal(req.Aliases, []string{"CVE-2023-32681", "PYSEC-2023-74"}) {
		t.Errorf("aliases = %v", req.Aliases)
	}
	if !slices.Equal(req.Fixed, []string{"2.31.0"}) {
		t.Errorf("fixed = %v", req.Fixed)
	}
	// GHSA's vector CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N is 6.1,
	// which wins over its MODERATE label.
	if req.Severity.Level != Medium || req.Severity.Score != 6.1 || req.Severity.Source != "CVSS_V3" {
		t.Errorf("severity = %+v, want MEDIUM 6.1 from CVSS_V3", req.Severity)
	}
	// PYSEC-2023-246: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N is 7.5.
	if a := fs[0]; a.ID != "PYSEC-2023-246" || a.Severity.Level != High || a.Severity.Score != 7.5 {
		t.Errorf("aiohttp finding = %s %+v, want PYSEC-2023-246 HIGH 7.5", a.ID, a.Severity)
	}
}
