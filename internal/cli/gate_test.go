package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

const helloGates = `
rollout:
  steps:
    - setWeight: 100
gates:
  - name: no-critical-vulns
    expr: 'vulns.all(v, v.severity != "CRITICAL")'
  - name: lock-pinned
    expr: 'lock.packages.all(p, size(p.hashes) > 0) && lock.hash == build.lockHash'
  - name: attested
    expr: 'sbom.present && provenance.predicateType == "https://slsa.dev/provenance/v1"'
policy: {requireGates: true}
`

// gateProject is examples/hello (on the tiny synthetic base) with gates
// and policy.requireGates, built into an OCI layout; it returns the
// project, the image ref and its digest.
func gateProject(t *testing.T) (dir, image, digest string) {
	t.Helper()
	dir = copyHello(t)
	yml := filepath.Join(dir, "pinwheel.yaml")
	b, _ := os.ReadFile(yml)
	os.WriteFile(yml, append(b, helloGates...), 0o644)
	out := filepath.Join(t.TempDir(), "hello.oci")
	code, stdout, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", t.TempDir(), "-o", "json")
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	var res struct{ Digest string }
	json.Unmarshal([]byte(stdout), &res)
	return dir, "oci:" + out, res.Digest
}

func TestGateCommandAndDeployPolicy(t *testing.T) {
	dir, image, digest := gateProject(t)
	deploy := func() (int, string) {
		_, stderr, code := runCLI(t, "deploy", dir, "--image", image)
		return code, stderr
	}
	if code, stderr := deploy(); code != ExitNo || !strings.Contains(stderr, "policy.requireGates: image "+digest+" has no gate results: its gates never ran") {
		t.Fatalf("deploy before any gate ran: exit %d: %s", code, stderr)
	}
	vulns := filepath.Join(t.TempDir(), "vulns.json")
	os.WriteFile(vulns, []byte(`[{"id": "GHSA-jjg7-2v4v-x38h", "package": "idna", "version": "3.6", "severity": "critical", "aliases": ["CVE-2024-3651"], "fixed": ["3.7"]}]`), 0o644)
	code, stdout, stderr := runPinwheel(t, "gate", image, dir, "--vulns", vulns)
	if code != ExitNo {
		t.Fatalf("gate with a critical advisory: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"gates of hello " + digest + " (" + image + ")\n",
		"  FAIL  no-critical-vulns  expr  evaluated to false\n",
		"  PASS  lock-pinned        expr  true\n",
		"  PASS  attested           expr  true\n",
		"3 gates: 2 passed, 1 failed — FAILED\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("gate output lacks %q:\n%s", want, stdout)
		}
	}
	if code, stderr := deploy(); code != ExitNo || !strings.Contains(stderr, "failed its gates at ") || !strings.Contains(stderr, "no-critical-vulns (evaluated to false); deploy refused") {
		t.Fatalf("deploy after failed gates: exit %d: %s", code, stderr)
	}
	// The kube target reads the same ledger before creating a Release
	// (no cluster is reached: the refusal comes first).
	kubeImage := "registry.invalid/hello@" + digest
	ledgerPath := filepath.Join(dir, ".pinwheel", "ledger.db")
	_, stderr, code = runCLI(t, "deploy", dir, "--target", "kube", "--image", kubeImage, "--ledger", ledgerPath, "--kubeconfig", filepath.Join(t.TempDir(), "none"))
	if code != ExitNo || !strings.Contains(stderr, "no-critical-vulns (evaluated to false); deploy refused") {
		t.Fatalf("kube deploy after failed gates: exit %d: %s", code, stderr)
	}

	// Fixed: no advisory. The new run passes, is recorded, and deploy goes on.
	code, stdout, stderr = runPinwheel(t, "gate", image, dir, "-o", "json")
	if code != 0 {
		t.Fatalf("gate: exit %d\n%s%s", code, stdout, stderr)
	}
	var rep struct {
		ImageDigest string
		Passed      bool
		Gates       []struct {
			Name, Reason string
			Passed       bool
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || !rep.Passed || rep.ImageDigest != digest || len(rep.Gates) != 3 {
		t.Fatalf("gate -o json: %v\n%s", err, stdout)
	}
	if code, stderr := deploy(); strings.Contains(stderr, "policy.requireGates") {
		t.Fatalf("deploy after passed gates still refused: exit %d: %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "deploy", dir, "--target", "kube", "--image", kubeImage, "--ledger", ledgerPath, "--kubeconfig", filepath.Join(t.TempDir(), "none"))
	if strings.Contains(stderr, "policy.requireGates") || !strings.Contains(stderr, "kubeconfig") {
		t.Fatalf("kube deploy after passed gates: exit %d: %s (want it past the gates, at the cluster connection)", code, stderr)
	}
	// Another digest has no results; no ledger at all is no results either.
	other := "registry.invalid/hello@sha256:" + strings.Repeat("e", 64)
	_, stderr, code = runCLI(t, "deploy", dir, "--target", "kube", "--image", other, "--ledger", ledgerPath)
	if code != ExitNo || !strings.Contains(stderr, "its gates never ran") {
		t.Fatalf("kube deploy of an image without results: exit %d: %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "deploy", dir, "--target", "kube", "--image", kubeImage, "--ledger", filepath.Join(t.TempDir(), "none.db"))
	if code != ExitNo || !strings.Contains(stderr, "no ledger at") {
		t.Fatalf("kube deploy without a ledger: exit %d: %s", code, stderr)
	}

	// The statement beside the image is about it and holds the newest run.
	b, err := os.ReadFile(strings.TrimPrefix(image, "oci:") + ".gates.intoto.json")
	if err != nil {
		t.Fatal(err)
	}
	var st intoto.Statement
	if err := protojson.Unmarshal(b, &st); err != nil || st.Validate() != nil {
		t.Fatalf("statement: %v\n%s", err, b)
	}
	if st.PredicateType != "https://pinwheel.dev/gate-results/v1" || "sha256:"+st.Subject[0].Digest["sha256"] != digest || !st.Predicate.Fields["passed"].GetBoolValue() {
		t.Fatalf("statement %s", b)
	}
}

func TestGateCommandInputErrors(t *testing.T) {
	dir, image, _ := gateProject(t)
	yml := filepath.Join(dir, "pinwheel.yaml")
	b, _ := os.ReadFile(yml)
	good := string(b)
	for _, tt := range []struct {
		name, from, to string
		args           []string
		want           string
	}{
		{"compile_error", `'vulns.all(v, v.severity != "CRITICAL")'`, `'vulns.all(v, v.severty != "CRITICAL")'`, nil,
			"pinwheel.yaml:" + lineOf(good, "expr: 'vulns.all") + ":26: gates: no-critical-vulns: undefined field 'severty'"},
		{"bad_gate", "  - name: attested\n", "  - name: Attested\n", nil, "gates[2].name: expected lowercase"},
		{"no_gates", good[strings.Index(good, "gates:\n"):strings.Index(good, "policy:")], "gates: []\n", nil, "pinwheel.yaml has no gates:"},
		{"bad_image", "", "", []string{"oci:" + filepath.Join(t.TempDir(), "nope")}, "no such file"},
		{"bad_vulns", "", "", []string{image, "--vulns", yml}, "expected the JSON of pinwheel scan -o json, or a JSON list"},
		{"bad_output", "", "", []string{image, "-o", "yaml"}, "unknown output format"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(yml, []byte(strings.Replace(good, tt.from, tt.to, 1)), 0o644)
			defer os.WriteFile(yml, []byte(good), 0o644)
			args := tt.args
			if args == nil {
				args = []string{image}
			}
			code, stdout, stderr := runPinwheel(t, append(append([]string{"gate"}, args...), dir, "--no-record")...)
			if code != ExitUsage || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// lineOf is the 1-based line number of the first line of s containing sub.
func lineOf(s, sub string) string {
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strconv.Itoa(i + 1)
		}
	}
	return "?"
}
