package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLockInspectEmptyJSON: a lock with no packages prints "packages": []
// and an empty production set, never null.
func TestLockInspectEmptyJSON(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("# nothing pinned yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCheckCLI(t, "lock", "inspect", "-o", "json", filepath.Join(dir, "requirements.txt"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"packages": []`) || strings.Contains(out, "null") {
		t.Errorf("want \"packages\": [] and no null:\n%s", out)
	}
}

// TestLockInspectProductionSet: the JSON names the production set, and
// pinwheel.yaml's groups: widen it.
func TestLockInspectProductionSet(t *testing.T) {
	dir := copySelectFixture(t, "uv")
	prod := func() []string {
		t.Helper()
		return productionOf(t, dir)
	}
	if got, want := prod(), []string{"fastapi", "shop", "starlette"}; !slices.Equal(got, want) {
		t.Errorf("production = %v, want %v", got, want)
	}
	writeFile(t, filepath.Join(dir, "pinwheel.yaml"), "service: shop\ngroups: [serve]\n")
	if got, want := prod(), []string{"fastapi", "gunicorn", "packaging", "shop", "starlette"}; !slices.Equal(got, want) {
		t.Errorf("production with groups: [serve] = %v, want %v", got, want)
	}
}

// TestUnknownGroupExit2: a group the lock lacks is exit 2 at its line of
// pinwheel.yaml with the lock's groups, for inspect, sbom and check alike.
func TestUnknownGroupExit2(t *testing.T) {
	dir := copySelectFixture(t, "uv")
	writeFile(t, filepath.Join(dir, "pinwheel.yaml"), "service: shop\ngroups:\n  - serve\n  - prod\n")
	want := filepath.Join(dir, "pinwheel.yaml") + `:4:5: groups.1: group "prod" is not in`
	for _, args := range [][]string{{"lock", "inspect", dir}, {"sbom", dir}, {"check", dir}} {
		code, _, errOut := runCheckCLI(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, want) || !strings.Contains(errOut, "its groups: dev, serve") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, errOut, want)
		}
	}
}

func copySelectFixture(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(lockTestdata, "select", name)
	dir := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, rel), data, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// productionOf is the production set lock inspect -o json names for dir.
func productionOf(t *testing.T, dir string) []string {
	t.Helper()
	code, out, errOut := runCheckCLI(t, "lock", "inspect", "-o", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Production struct{ Packages []string } `json:"production"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v.Production.Packages
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSBOMProductionSet: pinwheel sbom lists the production set; with
// --all-groups every package, the rest scoped excluded or optional.
func TestSBOMProductionSet(t *testing.T) {
	dir := copySelectFixture(t, "uv")
	scopes := func(args ...string) map[string]string {
		t.Helper()
		code, out, errOut := runCheckCLI(t, append([]string{"sbom", dir}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var bom struct {
			Components []struct{ Name, Scope string }
		}
		if err := json.Unmarshal([]byte(out), &bom); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range bom.Components {
			got[c.Name] = c.Scope
		}
		return got
	}
	prod := scopes()
	if _, ok := prod["pytest"]; ok || prod["fastapi"] != "required" || len(prod) != 2 {
		t.Errorf("production SBOM = %v, want fastapi and starlette, required", prod)
	}
	all := scopes("--all-groups")
	if all["pytest"] != "excluded" || all["psycopg"] != "optional" || all["starlette"] != "required" || len(all) != 7 {
		t.Errorf("--all-groups SBOM = %v", all)
	}
}

// TestLockInspectWorkspaceMember: in a workspace member's directory whose
// pinwheel.yaml names the workspace lock, inspect and sbom read that lock
// and select what the member needs.
func TestLockInspectWorkspaceMember(t *testing.T) {
	root := copySelectFixture(t, "workspace")
	member := filepath.Join(root, "services", "billing")
	writeFile(t, filepath.Join(member, "pinwheel.yaml"), "service: billing\nlockfile: ../../uv.lock\n")
	if got, want := productionOf(t, member), []string{"billing", "common", "pydantic", "stripe"}; !slices.Equal(got, want) {
		t.Errorf("billing's production set = %v, want %v", got, want)
	}
	code, out, errOut := runCheckCLI(t, "sbom", member)
	if code != 0 || !strings.Contains(out, "pkg:pypi/stripe@11.4.1") || strings.Contains(out, "fastapi") {
		t.Errorf("sbom for billing (exit %d, %s) should hold stripe and not orders' fastapi", code, errOut)
	}
}
