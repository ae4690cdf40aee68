package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// TestWorkspaceMemberDir: a uv workspace member checked from its own
// directory is checked against the workspace root's uv.lock, for itself
// only (billing and common are the root's business), with the lock named
// relative to the checked directory in every format.
func TestWorkspaceMemberDir(t *testing.T) {
	dir := filepath.Join("testdata", "projects", "workspace-stale", "services", "orders")
	rep, err := Run(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, brief(f))
	}
	want := []string{"PW202 .python-version:0", "PW201 pyproject.toml:4", "PW102 pyproject.toml:7", "PW102 pyproject.toml:8"}
	if !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
	if rep.Lockfile != "../../uv.lock" {
		t.Errorf("Lockfile = %q, want ../../uv.lock", rep.Lockfile)
	}
	for _, f := range rep.Findings {
		if f.RuleID == "PW102" && !strings.Contains(f.Message, "../../uv.lock") {
			t.Errorf("PW102 does not name the workspace lock: %s", f.Message)
		}
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, rep, SARIFOptions{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, res := range doc.Runs[0].Results {
		for _, loc := range res.Locations {
			uri := loc.PhysicalLocation.ArtifactLocation.URI
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(uri))); err != nil && uri != ".python-version" {
				t.Errorf("SARIF location %q names no file under the checked directory: %v", uri, err)
			}
		}
	}
}

// workspaceFiles is a small uv workspace: members services/*, less
// services/legacy; tools/ is inside it but no member.
func workspaceFiles(t *testing.T, members string) map[string]string {
	t.Helper()
	fixture := filepath.Join("testdata", "projects", "workspace-stale")
	files := map[string]string{".git/HEAD": "ref: refs/heads/main\n"}
	for _, name := range []string{"uv.lock", "services/orders/pyproject.toml", "services/billing/pyproject.toml", "packages/common/pyproject.toml"} {
		data, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	files["pyproject.toml"] = "[tool.uv.workspace]\nmembers = " + members + "\nexclude = [\"services/legacy\"]\n"
	files["services/legacy/pyproject.toml"] = "[project]\nname = \"legacy\"\nversion = \"1\"\nrequires-python = \">=3.12,<3.13\"\ndependencies = [\"flask\"]\n"
	files["tools/gen/pyproject.toml"] = "[project]\nname = \"gen\"\nversion = \"1\"\nrequires-python = \">=3.12,<3.13\"\ndependencies = [\"flask\"]\n"
	return files
}

// TestWorkspaceNonMember: a directory inside a workspace that its members
// globs do not include, or that exclude leaves out, keeps PW101 and is
// told which workspace does not list it.
func TestWorkspaceNonMember(t *testing.T) {
	root := writeProject(t, workspaceFiles(t, `["services/*", "packages/*"]`))
	fixture := filepath.Join("testdata", "projects", "workspace-stale") // the docs' example
	for _, d := range []struct{ at, sub string }{{root, "services/legacy"}, {root, "tools/gen"}, {fixture, "tools/gen"}} {
		at, sub := d.at, d.sub
		rep, err := Run(context.Background(), filepath.Join(at, sub))
		if err != nil {
			t.Fatal(err)
		}
		var pw101 []Finding
		for _, f := range rep.Findings {
			if f.RuleID == "PW101" {
				pw101 = append(pw101, f)
			}
			if f.RuleID == "PW102" || f.RuleID == "PW104" {
				t.Errorf("%s: a non-member was checked against the workspace lock: %s", sub, brief(f))
			}
		}
		if len(pw101) != 1 || !strings.Contains(pw101[0].Message, "../../pyproject.toml declares a uv workspace whose members do not include "+sub) {
			t.Errorf("%s: PW101 = %+v, want one naming the workspace that does not list it", sub, pw101)
		}
	}
}

// TestWorkspaceMemberPython: PW103 when the member admits fewer Pythons
// than the workspace lock was resolved for, none when it admits more (the
// lock is the intersection of its members' ranges); a member the lock
// does not know is a stale lock.
func TestWorkspaceMemberPython(t *testing.T) {
	files := workspaceFiles(t, `["services/*", "packages/*"]`)
	files["services/orders/pyproject.toml"] = strings.Replace(files["services/orders/pyproject.toml"], `">=3.12"`, `">=3.13"`, 1)
	files["services/billing/pyproject.toml"] = strings.Replace(files["services/billing/pyproject.toml"], `">=3.12"`, `">=3.11"`, 1)
	files["services/fresh/pyproject.toml"] = "[project]\nname = \"fresh\"\nversion = \"1\"\nrequires-python = \">=3.12,<3.13\"\n"
	root := writeProject(t, files)
	for sub, want := range map[string][]string{
		"services/orders":  {"PW103 pyproject.toml:4", "PW102 pyproject.toml:7", "PW102 pyproject.toml:8"},
		"services/billing": nil,
		"services/fresh":   {"PW102 pyproject.toml:0"},
	} {
		rep, err := Run(context.Background(), filepath.Join(root, sub))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.RuleID, "PW10") {
				got = append(got, brief(f))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: lock findings = %q, want %q", sub, got, want)
		}
	}
}

// TestWorkspaceHostileGlobs: members globs that point outside the
// workspace root ("../*", "../../*", an absolute path) make no directory a
// member, and a uv.lock linked out of the root is refused, not read.
func TestWorkspaceHostileGlobs(t *testing.T) {
	files := map[string]string{}
	for name, body := range workspaceFiles(t, "[]") {
		files["ws/"+name] = body
	}
	outer := writeProject(t, files)
	outside := filepath.Join(outer, "outside")
	ws := filepath.Join(outer, "ws")
	orders := filepath.Join(ws, "services", "orders")
	for _, members := range []string{`["../*"]`, `["../../*", "../ws/services/*"]`, `["` + filepath.Join(ws, "services") + `/*"]`, `["` + orders + `"]`} {
		if err := os.WriteFile(filepath.Join(ws, "pyproject.toml"), []byte("[tool.uv.workspace]\nmembers = "+members+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := Run(context.Background(), orders)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(rep.Findings, func(f Finding) bool { return f.RuleID == "PW101" }) || rep.Lockfile != "" {
			t.Errorf("members = %s: orders was taken as a member (lockfile %q)", members, rep.Lockfile)
		}
	}
	// A real member whose workspace lock links outside the root.
	if err := os.WriteFile(filepath.Join(ws, "pyproject.toml"), []byte("[tool.uv.workspace]\nmembers = [\"services/*\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(ws, "uv.lock"), filepath.Join(outside, "uv.lock")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "outside", "uv.lock"), filepath.Join(ws, "uv.lock")); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), orders)
	var ie *inputerr.Error
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "uv.lock") {
		t.Fatalf("Run with uv.lock linked out of the workspace = %v, want an input error naming uv.lock", err)
	}
}

// TestWorkspaceMemberHashes: PW104 from a member's directory covers the
// packages that member installs (uv sync --package), not its siblings',
// and points into the workspace lock in text and SARIF alike.
func TestWorkspaceMemberHashes(t *testing.T) {
	files := workspaceFiles(t, `["services/*", "packages/*"]`)
	files["uv.lock"] = regexp.MustCompile(`hash = "sha256:[0-9a-f]+", `).ReplaceAllString(files["uv.lock"], "")
	root := writeProject(t, files)
	rep, err := Run(context.Background(), filepath.Join(root, "services", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	var pw104 []Finding
	for _, f := range rep.Findings {
		if f.RuleID == "PW104" {
			pw104 = append(pw104, f)
		}
	}
	if len(pw104) != 1 {
		t.Fatalf("PW104 = %+v, want one", pw104)
	}
	f := pw104[0]
	if f.File != "../../uv.lock" || f.Line != 38 || !strings.Contains(f.Message, "3 packages") ||
		!strings.Contains(f.Message, "fastapi 0.115.6") || strings.Contains(f.Message, "stripe") || strings.Contains(f.Message, "pytest") {
		t.Errorf("PW104 = %s %s:%d %q, want fastapi, pydantic and starlette at ../../uv.lock:38", f.RuleID, f.File, f.Line, f.Message)
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, rep, SARIFOptions{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"uri": "../../uv.lock"`) {
		t.Errorf("SARIF does not locate PW104 in ../../uv.lock:\n%s", buf.String())
	}
}
