package gate

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/vuln"
)

// --vulns reads what `pinwheel scan -o json` prints (vuln.WriteJSON, the
// scanner's own writer): the gates see its findings as vulns.
func TestReadVulnsFromPinwheelScan(t *testing.T) {
	var b bytes.Buffer
	err := vuln.WriteJSON(&b, vuln.Report{Targets: []string{"uv.lock"}, Packages: 12, Findings: []vuln.Finding{
		{ID: "GHSA-jjg7-2v4v-x38h", Aliases: []string{"CVE-2024-3651", "PYSEC-2024-60"}, Package: vuln.Package{Ecosystem: "PyPI", Name: "idna", Version: "3.6"},
			Severity: vuln.Severity{Level: vuln.High, Score: 7.5}, Fixed: []string{"3.7"}},
		{ID: "DSA-5000-1", Package: vuln.Package{Ecosystem: "Debian:12", Name: "openssl", Version: "3.0.11-1~deb12u1"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "scan.json")
	os.WriteFile(p, b.Bytes(), 0o644)
	vs, err := ReadVulns(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].ID != "GHSA-jjg7-2v4v-x38h" || vs[0].Package != "idna" || vs[0].Version != "3.6" || vs[0].Severity != "HIGH" ||
		len(vs[0].Aliases) != 2 || vs[0].Fixed[0] != "3.7" || vs[1].Package != "openssl" || vs[1].Severity != "UNKNOWN" || vs[1].Fixed == nil {
		t.Fatalf("vulns %+v", vs)
	}
	// An empty scan is no vulnerabilities, not an error.
	b.Reset()
	vuln.WriteJSON(&b, vuln.Report{})
	os.WriteFile(p, b.Bytes(), 0o644)
	if vs, err := ReadVulns(p); err != nil || len(vs) != 0 {
		t.Fatalf("empty scan: %v, %v", vs, err)
	}
}
