package vuln

import (
	"os"
	"testing"
)

func TestBaseScore(t *testing.T) {
	tests := []struct {
		vector string
		want   float64
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 7.5},
		// CVSS v4.0 specification's examples (FIRST calculator).
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0},
	}
	for _, tt := range tests {
		got, err := BaseScore(tt.vector)
		if err != nil || got != tt.want {
			t.Errorf("BaseScore(%s) = %v, %v; want %v", tt.vector, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "AV:N", "CVSS:3.1/AV:X", "CVSS:2.0/AV:N"} {
		if _, err := BaseScore(bad); err == nil {
			t.Errorf("BaseScore(%q): no error", bad)
		}
	}
}

func TestSeverityOf(t *testing.T) {
	data, err := os.ReadFile("testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRecord("ghsa.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if s := SeverityOf(r, &r.Affected[0]); s.Level != Medium || s.Score != 6.1 {
		t.Errorf("with its vector: %+v, want MEDIUM 6.1", s)
	}
	r.Severity = nil // the label alone: GitHub's MODERATE
	if s := SeverityOf(r, &r.Affected[0]); s.Level != Medium || s.Score != 0 || s.Source != "database_specific" {
		t.Errorf("label only: %+v, want MEDIUM from database_specific", s)
	}
	r.Severity = []SeverityEntry{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"},
		{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}
	if s := SeverityOf(r, nil); s.Level != Critical || s.Score != 9.3 || s.Source != "CVSS_V4" {
		t.Errorf("v3 and v4: %+v, want the higher, CRITICAL 9.3 from CVSS_V4", s)
	}
	r.Severity, r.DatabaseSpecific = nil, nil
	if s := SeverityOf(r, nil); s.Level != Unknown {
		t.Errorf("nothing: %+v, want UNKNOWN", s)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]Level{"low": Low, "MODERATE": Medium, "medium": Medium, "High": High, "critical": Critical} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseLevel("severe"); err == nil {
		t.Error("ParseLevel(severe): no error")
	}
}
