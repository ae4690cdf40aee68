package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/imagepkgs"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/publish"
)

var scanDB = filepath.Join("..", "vuln", "testdata", "osv")

const scanRequirements = `requests==2.30.0 \
    --hash=sha256:10e94cc4f3121ee6da529d358cdaeaff2f1c409cd377dbc72b825852f2f7e294
jinja2==2.10 \
    --hash=sha256:74c935a1b8bb9a3947c50a54766a969d4846290e1e788ea44c1392163723c3bd
py==1.11.0 \
    --hash=sha256:607c53218732647dff4acdfcd50cb62615cedf612e72d1724fb1a0cc6405b378
`

func TestScanExitCodesAndIgnores(t *testing.T) {
	proj := checkProject(t, map[string]string{"requirements.txt": scanRequirements})
	ignored := checkProject(t, map[string]string{"requirements.txt": scanRequirements,
		".pinwheel-ignore.yaml": "ignore:\n  - id: CVE-2023-32681\n    reason: no proxies\n    expires: 2999-01-01\n" +
			"  - id: GHSA-g3rq-g295-4j3m\n    reason: urlize unused\n    expires: 2999-01-01\n" +
			"  - id: PYSEC-2022-42969\n    reason: svn unused\n    expires: 2999-01-01\n"})
	expired := checkProject(t, map[string]string{"requirements.txt": "requests==2.31.0\n",
		".pinwheel-ignore.yaml": "ignore:\n  - id: CVE-2023-32681\n    reason: no proxies\n    expires: 2024-01-01\n"})
	noReason := checkProject(t, map[string]string{"requirements.txt": scanRequirements,
		".pinwheel-ignore.yaml": "ignore:\n  - id: CVE-2023-32681\n    expires: 2999-01-01\n"})
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string
		stderr string
	}{
		{"findings_fail_by_default", []string{"scan", "--db", scanDB, proj}, 1, "GHSA-j8r2-6x86-q33q  requests 2.30.0", ""},
		{"fail_on_high_passes_medium", []string{"scan", "--db", scanDB, "--fail-on", "high", proj}, 0, "MEDIUM   GHSA-j8r2-6x86-q33q", ""},
		{"all_ignored", []string{"scan", "--db", scanDB, ignored}, 0, "3 ignored", ""},
		{"expired_ignore_is_a_finding", []string{"scan", "--db", scanDB, "--fail-on", "critical", expired}, 1, "EXPIRED  ignore of CVE-2023-32681", ""},
		{"ignore_without_reason", []string{"scan", "--db", scanDB, noReason}, 2, "", ".pinwheel-ignore.yaml:2:5: ignore entry has no reason"},
		{"no_source", []string{"scan", proj}, 2, "", "no advisory source"},
		{"bad_fail_on", []string{"scan", "--db", scanDB, "--fail-on", "severe", proj}, 2, "", "--fail-on"},
		{"bad_format", []string{"scan", "--db", scanDB, "-o", "xml", proj}, 2, "", "unknown output format"},
		{"bad_db", []string{"scan", "--db", "scan_test.go", proj}, 2, "", "not a vulnerability database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCheckCLI(t, tt.args...)
			if code != tt.want || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, out, errs)
			}
		})
	}
}

func TestScanOutputs(t *testing.T) {
	proj := checkProject(t, map[string]string{"requirements.txt": scanRequirements})
	_, out, _ := runCheckCLI(t, "scan", "--db", scanDB, "-o", "json", proj)
	var rep struct {
		Packages int
		Findings []struct {
			ID        string
			Aliases   []string
			Locations []struct {
				File string
				Line int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Packages != 3 || len(rep.Findings) != 3 || rep.Findings[2].ID != "GHSA-j8r2-6x86-q33q" || rep.Findings[2].Locations[0].Line != 1 {
		t.Errorf("json report = %+v", rep)
	}

	_, out, _ = runCheckCLI(t, "scan", "--db", scanDB, "-o", "sarif", proj)
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatal(err)
	}
	res := sarif.Runs[0].Results
	if len(res) != 3 {
		t.Fatalf("sarif: %d results, want 3", len(res))
	}
	for _, r := range res {
		if len(r.Locations) == 0 || !strings.HasSuffix(r.Locations[0].PhysicalLocation.ArtifactLocation.URI, "requirements.txt") || r.Locations[0].PhysicalLocation.Region.StartLine == 0 {
			t.Errorf("sarif result %s has no lockfile line: %+v", r.RuleID, r.Locations)
		}
	}

	_, out, _ = runCheckCLI(t, "scan", "--db", scanDB, "-o", "cyclonedx-vex", proj)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	vulns := doc.(map[string]any)["vulnerabilities"].([]any)
	if doc.(map[string]any)["specVersion"] != "1.6" || len(vulns) != 3 {
		t.Errorf("vex: specVersion %v, %d vulnerabilities", doc.(map[string]any)["specVersion"], len(vulns))
	}
	v := vulns[2].(map[string]any)
	if v["id"] != "GHSA-j8r2-6x86-q33q" || v["affects"].([]any)[0].(map[string]any)["ref"] != "pkg:pypi/requests@2.30.0" {
		t.Errorf("vex vulnerability = %v", v)
	}
}

// TestScanReleases scans the running releases of a real ledger: the live
// release's lock snapshot is matched, a superseded release's is not.
func TestScanReleases(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	store, err := ledgerdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i, pkg := range []lock.Package{{Name: "jinja2", Version: "2.10", Line: 3}, {Name: "requests", Version: "2.30.0", Line: 7}} {
		l := &lock.Lock{Format: lock.FormatRequirements, Path: "requirements.txt", Packages: []lock.Package{pkg}}
		rel, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Lock: l, Config: []byte(`{"service":"shop"}`),
			Info: attest.BuildInfo{Service: "shop", ImageDigest: "sha256:" + strings.Repeat(string(rune('a'+i)), 64)}}})
		if err != nil {
			t.Fatal(err)
		}
		state := []ledger.ReleaseState{ledger.ReleaseSuperseded, ledger.ReleaseLive}[i]
		if err := store.SetReleaseState(ctx, rel.ID, state, true); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	code, out, errs := runCheckCLI(t, "scan", "--releases", "--ledger", path, "--db", scanDB)
	if code != 1 || !strings.Contains(out, "GHSA-j8r2-6x86-q33q  requests 2.30.0") || !strings.Contains(out, "at: shop-2 requirements.txt:7") || strings.Contains(out, "jinja2") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}

func TestControllerVulnFlags(t *testing.T) {
	for _, args := range [][]string{
		{"controller", "--vuln-db", "x", "--vuln-osv-api", "http://127.0.0.1:1"},
		{"controller", "--vuln-db", "x", "--vuln-interval", "10ms"},
	} {
		if code, _, errs := runCheckCLI(t, args...); code != 2 || !strings.Contains(errs, "--vuln-") {
			t.Errorf("%v: exit %d, %s; want 2 naming the flag", args, code, errs)
		}
	}
}

// TestScanImage scans an OCI layout whose image carries pinwheel's SBOM.
func TestScanImage(t *testing.T) {
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	l, err := lock.Parse("requirements.txt", lock.FormatRequirements, []byte(scanRequirements))
	if err != nil {
		t.Fatal(err)
	}
	sbom, err := attest.CycloneDX(l, attest.Subject{Name: "shop", ImageDigest: d.String()})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "img")
	pub, err := publish.New("oci:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish(context.Background(), publish.Artifact{Image: img,
		Attachments: []publish.Attachment{{Kind: "sbom", ArtifactType: imagepkgs.SBOMArtifactType, Data: sbom}}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCheckCLI(t, "scan", "--image", "oci:"+dir, "--db", scanDB, "--fail-on", "critical")
	if code != 0 || !strings.Contains(out, "GHSA-j8r2-6x86-q33q  requests 2.30.0") || !strings.Contains(out, "3 packages scanned in oci:"+dir) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if code, _, errs := runCheckCLI(t, "scan", "--image", "oci:"+dir+"-missing", "--db", scanDB); code != 2 {
		t.Errorf("missing image: exit %d, %s; want 2", code, errs)
	}
}
