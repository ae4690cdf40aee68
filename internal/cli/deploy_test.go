package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/lock"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, args)
	return out.String(), errb.String(), code
}

// The deploy-side commands refuse bad input with exit 2 and say what was
// expected, before touching any runtime.
func TestDeployCommandsInputErrors(t *testing.T) {
	shop, _ := filepath.Abs("../../examples/shop")
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{name: "deploy_without_artifact", args: []string{"deploy", shop}, want: "name exactly one of --image, --release, --source or --resume"},
		{name: "deploy_two_artifacts", args: []string{"deploy", shop, "--source", "--resume"}, want: "name exactly one"},
		{name: "deploy_registry_image", args: []string{"deploy", shop, "--image", "registry.example/shop:1", "--ledger", filepath.Join(empty, "l.db")}, want: "expected oci:PATH"},
		{name: "deploy_no_config", args: []string{"deploy", empty, "--source"}, want: "pinwheel.yaml"},
		{name: "deploy_bad_output", args: []string{"deploy", shop, "--source", "-o", "yaml"}, want: "unknown output format"},
		{name: "deploy_target_kube_source", args: []string{"deploy", shop, "--source", "--target", "kube"}, want: "--source applies to --target local only"},
		{name: "deploy_target_unknown", args: []string{"deploy", shop, "--source", "--target", "nomad"}, want: "unknown target"},
		{name: "deploy_negative_replicas", args: []string{"deploy", shop, "--source", "--replicas", "-1"}, want: "--replicas -1"},
		{name: "deploy_relative_readiness", args: []string{"deploy", shop, "--source", "--readiness-path", "healthz"}, want: "starting with /"},
		{name: "status_no_ledger", args: []string{"status", "shop", "--ledger", filepath.Join(empty, "none.db")}, want: "none.db: no ledger (deploy something first"},
		{name: "history_no_ledger", args: []string{"history", "shop", "--ledger", filepath.Join(empty, "none.db")}, want: "none.db: no ledger (deploy something first"},
		{name: "promote_no_ledger", args: []string{"promote", "shop", "--ledger", filepath.Join(empty, "none.db")}, want: "none.db: no ledger (deploy something first"},
		{name: "recreate_needs_release", args: []string{"recreate"}, want: "accepts 1 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// seedLedger writes two releases of shop (with lock snapshots) and a
// finished rollout into a new ledger.
func seedLedger(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), ".pinwheel", "ledger.db")
	os.MkdirAll(filepath.Dir(path), 0o755)
	store, err := ledgerdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for i, v := range []string{"1.0.0", "2.0.0"} {
		l := &lock.Lock{Format: "pylock.toml", Path: "pylock.toml", Packages: []lock.Package{{Name: "greetlib", Version: v}}}
		rel, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Lock: l, Info: attest.BuildInfo{Service: "shop", Version: v, ImageDigest: "sha256:" + strings.Repeat(string(rune('a'+i)), 64), GitCommit: strings.Repeat(string(rune('1'+i)), 40)}, Config: []byte(`{"service":"shop","env":{"SHOP_FAULT":"` + []string{"", "errors"}[i] + `"}}`)}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			store.SetReleaseState(ctx, rel.ID, ledger.ReleaseLive, true)
		}
	}
	return path
}

func TestDiffOfTwoReleases(t *testing.T) {
	path := seedLedger(t)
	out, stderr, code := runCLI(t, "diff", "shop-1", "shop-2", "--ledger", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"what changed: shop-1 → shop-2", "env.SHOP_FAULT", "errors", "greetlib", "1.0.0 → 2.0.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	// A release's lock snapshot against a lockfile still goes through the lock diff.
	lockfile, _ := filepath.Abs("../../examples/hello/pylock.toml")
	out, stderr, code = runCLI(t, "diff", "shop-2", lockfile, "--ledger", path)
	if code != 0 || !strings.Contains(out, "greetlib") {
		t.Errorf("release vs lockfile: exit %d\n%s%s", code, out, stderr)
	}
	// A release that is not in the ledger is named as such.
	_, stderr, code = runCLI(t, "diff", "shop-1", "shop-9", "--ledger", path)
	if code != ExitUsage || !strings.Contains(stderr, "shop-9: no release shop-9 in the ledger "+path) {
		t.Errorf("diff with an unknown release: exit %d %s", code, stderr)
	}
}

func TestStatusHistoryRecreateFromLedger(t *testing.T) {
	path := seedLedger(t)
	out, stderr, code := runCLI(t, "status", "shop", "--ledger", path)
	if code != 0 || !strings.Contains(out, "live     shop-1 (1.0.0)") || !strings.Contains(out, "known-good") {
		t.Errorf("status: exit %d\n%s%s", code, out, stderr)
	}
	out, _, code = runCLI(t, "status", "shop", "--ledger", path, "-o", "json")
	if code != 0 || !strings.Contains(out, `"service": "shop"`) {
		t.Errorf("status json: exit %d\n%s", code, out)
	}
	out, stderr, code = runCLI(t, "history", "shop", "--ledger", path)
	if code != 0 || !strings.HasPrefix(out, "ROLLOUT") {
		t.Errorf("history: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "recreate", "shop-2", "--ledger", path)
	if code != 0 || !strings.Contains(out, "git checkout --detach "+strings.Repeat("2", 40)) {
		t.Errorf("recreate: exit %d\n%s%s", code, out, stderr)
	}
	_, stderr, code = runCLI(t, "promote", "shop", "--ledger", path)
	if code != ExitNo || !strings.Contains(stderr, "no rollout in progress") {
		t.Errorf("promote without a rollout: exit %d %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "recreate", "shop-9", "--ledger", path)
	if code != ExitUsage || !strings.Contains(stderr, `no release "shop-9"`) {
		t.Errorf("recreate unknown: exit %d %s", code, stderr)
	}
}
