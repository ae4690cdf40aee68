package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repo root not found from %s", dir)
	}
	return dir
}

// packages returns every directory under root holding non-test Go files.
func packages(t *testing.T, root string) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "tools") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dir := filepath.Dir(path)
			pkgs[dir] = append(pkgs[dir], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func TestEveryPackageHasADocComment(t *testing.T) {
	root := repoRoot(t)
	for dir, files := range packages(t, root) {
		documented := false
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
			if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
				documented = true
				break
			}
		}
		if !documented {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("package %s has no package doc comment", rel)
		}
	}
}

// imports are the import paths of the Go file f.
func imports(t *testing.T, f string) []string {
	t.Helper()
	af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("parse %s: %v", f, err)
	}
	var out []string
	for _, imp := range af.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, path)
	}
	return out
}

// The decision core must stay pure: no clients, no network, no processes, no database.
func TestRolloutCoreImportsNoIO(t *testing.T) {
	root := repoRoot(t)
	forbidden := []string{"net/http", "net", "os/exec", "database/sql", "k8s.io/", "sigs.k8s.io/", "os"}
	for _, pkg := range []string{"internal/rollout", "internal/analysis"} {
		if _, err := os.Stat(filepath.Join(root, pkg)); err != nil {
			continue // not written yet
		}
		files := packages(t, filepath.Join(root, pkg))[filepath.Join(root, pkg)]
		for _, f := range files {
			for _, path := range imports(t, f) {
				for _, bad := range forbidden {
					if path == bad || (strings.HasSuffix(bad, "/") && strings.HasPrefix(path, bad)) {
						t.Errorf("%s imports %s; the rollout core must do no I/O", f, path)
					}
				}
			}
		}
	}
}

// The test rigs (a control plane, a Prometheus, a PostgreSQL, process reaping) are for
// tests only: no package of the binary may import them, except the rigs
// themselves.
func TestRigPackagesOnlyInTests(t *testing.T) {
	root := repoRoot(t)
	rigs := []string{"internal/kubetest", "internal/promtest", "internal/pgtest", "internal/testproc"}
	for dir, files := range packages(t, root) {
		rel, _ := filepath.Rel(root, dir)
		if slices.Contains(rigs, rel) {
			continue
		}
		for _, f := range files {
			for _, path := range imports(t, f) {
				for _, rig := range rigs {
					if path == "pinwheel.dev/pinwheel/"+rig {
						t.Errorf("%s imports the test rig %s outside a _test.go file", f, rig)
					}
				}
			}
		}
	}
}

// The Debian base is assembled without running anything: no maintainer
// script, no dpkg, no tar(1). Only tests may exec (apt-get download, chroot).
func TestDebianBaseRunsNothing(t *testing.T) {
	root := repoRoot(t)
	for dir, files := range packages(t, filepath.Join(root, "internal", "debian")) {
		if strings.HasSuffix(dir, "debiantest") {
			continue // the test helper runs apt-get download
		}
		for _, f := range files {
			for _, p := range imports(t, f) {
				if p == "os/exec" || p == "syscall" {
					t.Errorf("%s imports %s; the Debian base must be built without running anything", f, p)
				}
			}
		}
	}
}

// Vulnerability matching is data in, findings out: internal/vuln reads no
// ledger and talks to no cluster (the controller feeds it releases).
func TestVulnImportsNoLedgerOrCluster(t *testing.T) {
	root := repoRoot(t)
	forbidden := []string{"pinwheel.dev/pinwheel/internal/ledger", "pinwheel.dev/pinwheel/internal/controller", "k8s.io/", "sigs.k8s.io/", "database/sql"}
	for dir, files := range packages(t, filepath.Join(root, "internal", "vuln")) {
		for _, f := range files {
			for _, path := range imports(t, f) {
				for _, bad := range forbidden {
					if path == bad || (strings.HasSuffix(bad, "/") && strings.HasPrefix(path, bad)) {
						t.Errorf("%s (%s) imports %s; vuln must not reach the ledger or the cluster", f, dir, path)
					}
				}
			}
		}
	}
}
