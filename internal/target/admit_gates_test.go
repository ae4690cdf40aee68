package target

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/gate"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// gatedProject is a project with one gate and policy.requireGates (set
// to require).
func gatedProject(t *testing.T, require bool) *deploy.Project {
	t.Helper()
	dir := t.TempDir()
	yml := "service: shop\nbase: python:3.11-slim@sha256:d1b8fbf0b29844f4399edffc04f78cb1e8962acbd69c552f5a6abc9e1ec15bcd\nentrypoint: [python3, -m, shop]\n" +
		"rollout:\n  steps:\n    - setWeight: 100\ngates:\n  - name: no-critical\n    expr: 'vulns.all(v, v.severity != \"CRITICAL\")'\n"
	if require {
		yml += "policy: {requireGates: true}\n"
	}
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(yml), 0o644)
	p, err := deploy.LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The local deploy's gate check on each way of naming what to deploy:
// a release in the ledger by its image digest, a source run, a resume.
func TestAdmitGatesLocal(t *testing.T) {
	ctx := context.Background()
	store, err := ledgerdb.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	digest := "sha256:" + strings.Repeat("d", 64)
	rel, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Info: attest.BuildInfo{Service: "shop", ImageDigest: digest}}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Info: attest.BuildInfo{Service: "shop"}}})
	if err != nil {
		t.Fatal(err)
	}
	proj := gatedProject(t, true)
	isNo := func(err error, want string) bool {
		var no *No
		return errors.As(err, &no) && strings.Contains(err.Error(), want)
	}
	if err := admitGatesLocal(ctx, store, proj, DeployRequest{Release: rel.ID}); !isNo(err, "its gates never ran") {
		t.Fatalf("release without gate results: %v", err)
	}
	if err := admitGatesLocal(ctx, store, proj, DeployRequest{Release: src.ID}); !isNo(err, "runs no image") {
		t.Fatalf("release of a source run: %v", err)
	}
	if err := admitGatesLocal(ctx, store, proj, DeployRequest{Source: true}); !isNo(err, "--source runs no image") {
		t.Fatalf("--source: %v", err)
	}
	if err := admitGatesLocal(ctx, store, proj, DeployRequest{Resume: true}); err != nil {
		t.Fatalf("--resume was checked again: %v", err)
	}
	run := func(vulns []gate.Vuln) {
		rep, err := gate.Run(ctx, gate.Options{Gates: proj.Config.Gates, Facts: gate.Facts{Build: gate.Build{Service: "shop", ImageDigest: digest}, Vulns: vulns}})
		if err != nil {
			t.Fatal(err)
		}
		if err := gate.Record(ctx, store, rep); err != nil {
			t.Fatal(err)
		}
	}
	run([]gate.Vuln{{ID: "PYSEC-2024-1", Package: "idna", Severity: "CRITICAL"}})
	if err := admitGatesLocal(ctx, store, proj, DeployRequest{Release: rel.ID}); !isNo(err, "no-critical (evaluated to false); deploy refused") {
		t.Fatalf("failed gates: %v", err)
	}
	// Without the policy, failed gates do not stop a deploy.
	if err := admitLocal(ctx, store, gatedProject(t, false), DeployRequest{Release: rel.ID}); err != nil {
		t.Fatalf("no policy: %v", err)
	}
	run(nil)
	if err := admitGatesLocal(ctx, store, proj, DeployRequest{Release: rel.ID}); err != nil {
		t.Fatalf("passed gates: %v", err)
	}
}
