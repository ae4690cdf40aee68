package archtest

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "pinwheel.dev/pinwheel/"

// deps returns every import path the non-test files of pkg (a directory
// relative to the module root) reach, following the module's own packages:
// the packages of the module on the way, and whatever they import.
func deps(t *testing.T, root, pkg string) map[string]bool {
	t.Helper()
	all := packages(t, root)
	seen := map[string]bool{}
	var visit func(dir string)
	visit = func(dir string) {
		for _, f := range all[filepath.Join(root, dir)] {
			for _, p := range imports(t, f) {
				if seen[p] {
					continue
				}
				seen[p] = true
				if strings.HasPrefix(p, module) {
					visit(strings.TrimPrefix(p, module))
				}
			}
		}
	}
	visit(pkg)
	return seen
}

// reaches lists the paths in ds that are, or are under, one of bad.
func reaches(ds map[string]bool, bad ...string) []string {
	var out []string
	for p := range ds {
		for _, b := range bad {
			if p == b || strings.HasPrefix(p, b+"/") {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// The deploy half's boundaries: one rollout loop that knows no storage, a
// controller that does not carry the SQLite ledger, and reports (notify,
// the what-changed diff) built from plain values, not ledger records.
func TestDeployHalfBoundaries(t *testing.T) {
	root := repoRoot(t)
	storage := []string{module + "internal/ledger", "modernc.org/sqlite", "github.com/jackc/pgx", "database/sql"}
	stores := []string{module + "internal/ledger/sqlstore", module + "internal/ledger/sqlite", module + "internal/ledger/postgres",
		module + "internal/ledger/ledgerdb", "modernc.org/sqlite", "github.com/jackc/pgx"}
	kube := []string{"k8s.io", "sigs.k8s.io"}
	for _, rule := range []struct {
		pkg, why string
		bad      []string
	}{
		{"internal/loop", "the rollout loop is storage- and cluster-free (adapters bring those)", append(storage, kube...)},
		{"internal/controller", "the controller keeps rollouts in Release objects, not the SQLite ledger",
			append(storage, module+"internal/driver")},
		{"internal/notify", "notifications and remediation reports are built from plain values", storage},
		{"internal/changes", "the what-changed diff compares plain release facts", storage},
		{"internal/rollout", "the engine is pure", append(storage, kube...)},
		{"internal/image", "the OCI library does not depend on the pinwheel.yaml schema", []string{module + "internal/config"}},
		{"internal/ledger", "the ledger's values and role interfaces carry no database", append(stores, "database/sql")},
		{"internal/driver", "the local rollout driver uses the ledger's role interfaces, not a store", stores},
		{"internal/deploy", "the deploy half takes the ledger's role interfaces; the openers pick the store", stores},
	} {
		if got := reaches(deps(t, root, rule.pkg), rule.bad...); len(got) > 0 {
			t.Errorf("%s reaches %s: %s", rule.pkg, strings.Join(got, ", "), rule.why)
		}
	}
	checkTargetSeam(t, root)
	checkStoreImporters(t, root)
}

// storeImporters: which packages may import a ledger store implementation
// (and its database driver); everyone else opens the ledger through
// ledgerdb, the composition root, and holds it by its role interfaces.
var storeImporters = map[string][]string{
	"modernc.org/sqlite":                {"internal/ledger/sqlite"},
	"github.com/jackc/pgx/v5":           {"internal/ledger/postgres", "internal/pgtest"},
	"github.com/jackc/pgx/v5/stdlib":    {"internal/ledger/postgres"},
	module + "internal/ledger/sqlite":   {"internal/ledger/ledgerdb"},
	module + "internal/ledger/postgres": {"internal/ledger/ledgerdb"},
	module + "internal/ledger/sqlstore": {"internal/ledger/sqlite", "internal/ledger/postgres", "internal/ledger/ledgerdb"},
}

func checkStoreImporters(t *testing.T, root string) {
	t.Helper()
	seen := map[string]bool{}
	for dir, files := range packages(t, root) {
		rel, _ := filepath.Rel(root, dir)
		for _, f := range files {
			for _, p := range imports(t, f) {
				allowed, ok := storeImporters[p]
				if !ok {
					continue
				}
				seen[p] = true
				if !slices.Contains(allowed, rel) {
					t.Errorf("%s imports %s: only %s may (the rest open the ledger through internal/ledger/ledgerdb)", f, p, strings.Join(allowed, ", "))
				}
			}
		}
	}
	for p := range storeImporters {
		if !seen[p] {
			t.Errorf("nothing imports %s: the rule is stale", p)
		}
	}
}

// seamCommands are the CLI files of the commands that act on a deploy
// target: they reach the ledger, the local runtime and the cluster only
// through internal/target.
var seamCommands = []string{"deploy.go", "status.go", "history.go", "promote.go", "abort.go", "rollback.go", "targetflags.go"}

// checkTargetSeam: the deploy-target commands go through the one seam,
// internal/target; kubecli has no other importer but the controller
// command (its kubectl connection flags).
func checkTargetSeam(t *testing.T, root string) {
	t.Helper()
	behind := []string{module + "internal/kubecli", module + "internal/driver", module + "internal/ledger",
		module + "internal/runtime", module + "internal/controller", "k8s.io", "sigs.k8s.io"}
	for _, name := range seamCommands {
		f := filepath.Join(root, "internal", "cli", name)
		for _, p := range imports(t, f) {
			if got := reaches(map[string]bool{p: true}, behind...); len(got) > 0 {
				t.Errorf("internal/cli/%s imports %s: the deploy-target commands reach it only through internal/target", name, p)
			}
		}
	}
	for dir, files := range packages(t, root) {
		rel, _ := filepath.Rel(root, dir)
		for _, f := range files {
			if rel == "internal/target" || rel == "internal/kubecli" || f == filepath.Join(root, "internal", "cli", "controller.go") {
				continue
			}
			if slices.Contains(imports(t, f), module+"internal/kubecli") {
				t.Errorf("%s imports internal/kubecli: the kube target is reached through internal/target", f)
			}
		}
	}
	// The rule is not vacuous: the seam is where kubecli and the ledger are reached.
	if got := reaches(deps(t, root, "internal/target"), module+"internal/kubecli", module+"internal/ledger"); !slices.Contains(got, module+"internal/kubecli") || !slices.Contains(got, module+"internal/ledger") {
		t.Errorf("internal/target reaches %v; want both internal/kubecli and internal/ledger behind the seam", got)
	}
}

// The rules above can fail: the local target, which opens the ledger,
// does reach the SQLite driver (target → ledgerdb → sqlite → modernc).
func TestDepsSeesTransitiveImports(t *testing.T) {
	root := repoRoot(t)
	if got := reaches(deps(t, root, "internal/target"), "modernc.org/sqlite"); len(got) == 0 {
		t.Fatal("deps did not find modernc.org/sqlite behind internal/target → internal/ledger/ledgerdb → internal/ledger/sqlite")
	}
}

// Policy gates judge build facts and run commands in the image; they know
// no cluster (the kube target asks them, not the other way round) and no
// deploy target. internal/gate imports no Kubernetes package itself; what
// it reaches of k8s.io comes through internal/check's manifest rules
// (apimachinery types for parsing YAML), never a client.
func TestGateBoundaries(t *testing.T) {
	root := repoRoot(t)
	cluster := []string{"k8s.io/client-go", "sigs.k8s.io/controller-runtime", module + "internal/target", module + "internal/kubecli",
		module + "internal/controller", module + "internal/runtime/kube"}
	if got := reaches(deps(t, root, "internal/gate"), cluster...); len(got) > 0 {
		t.Errorf("internal/gate reaches %s: gates know no cluster or deploy target", strings.Join(got, ", "))
	}
	for _, f := range packages(t, root)[filepath.Join(root, "internal", "gate")] {
		for _, p := range imports(t, f) {
			if got := reaches(map[string]bool{p: true}, "k8s.io", "sigs.k8s.io"); len(got) > 0 {
				t.Errorf("%s imports %s: internal/gate imports no Kubernetes package", f, p)
			}
		}
	}
	// Not vacuous: the gates do reach the CEL library and the container runner.
	if got := reaches(deps(t, root, "internal/gate"), "cel.dev/cel-go", module+"internal/container"); len(got) < 2 || got[len(got)-1] != module+"internal/container" {
		t.Errorf("internal/gate reaches %v; want cel.dev/cel-go and internal/container", got)
	}
}
