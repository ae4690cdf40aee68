package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/gate"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// On a real control plane: with policy.requireGates, a kube deploy of a
// digest whose recorded gates failed creates no Release; once a passing
// run is recorded for the digest, the same deploy is promoted.
func TestKubeDeployRefusedUntilGatesPass(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	yml := filepath.Join(dir, "pinwheel.yaml")
	b, _ := os.ReadFile(yml)
	os.WriteFile(yml, append(b, "gates:\n  - name: no-critical-vulns\n    expr: 'vulns.all(v, v.severity != \"CRITICAL\")'\npolicy: {requireGates: true}\n"...), 0o644)
	ledgerPath := filepath.Join(t.TempDir(), "ledger.db")
	digest := kubeImageB[strings.Index(kubeImageB, "@")+1:]
	record := func(vulns []gate.Vuln) {
		t.Helper()
		cfg, err := config.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		store, err := ledgerdb.Open(context.Background(), ledgerPath)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		rep, err := gate.Run(context.Background(), gate.Options{Path: cfg.Path, Gates: cfg.Gates,
			Facts: gate.Facts{Build: gate.Build{Service: "shop", ImageDigest: digest, ImageRef: kubeImageB}, Vulns: vulns}})
		if err != nil {
			t.Fatal(err)
		}
		if err := gate.Record(context.Background(), store, rep); err != nil {
			t.Fatal(err)
		}
	}
	record([]gate.Vuln{{ID: "GHSA-jjg7-2v4v-x38h", Package: "idna", Version: "3.6", Severity: "CRITICAL"}})
	deploy := func() (string, string, int) {
		return runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--ledger", ledgerPath, "--lease-namespace", e.Namespace)...)
	}
	out, errOut, code := deploy()
	if code != ExitNo || !strings.Contains(errOut, "no-critical-vulns (evaluated to false); deploy refused") {
		t.Fatalf("failed gates: exit %d\n%s%s", code, out, errOut)
	}
	var list v1alpha1.ReleaseList
	if err := e.Client.List(context.Background(), &list, client.InNamespace(e.Namespace)); err != nil || len(list.Items) != 0 {
		t.Fatalf("a refused deploy left %d releases (%v)", len(list.Items), err)
	}
	record(nil)
	out, errOut, code = deploy()
	if code != 0 || !strings.Contains(out, ": promoted") {
		t.Fatalf("passed gates: exit %d\n%s%s", code, out, errOut)
	}
	if rel := getKubeRelease(t, e, releaseNameOf(kubeImageB)); rel.Status.Phase != "Promoted" {
		t.Fatalf("phase %s", rel.Status.Phase)
	}
}
