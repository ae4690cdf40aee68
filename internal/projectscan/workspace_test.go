package projectscan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestInWorkspace(t *testing.T) {
	tests := []struct {
		members, exclude []string
		rel              string
		want             bool
	}{
		{[]string{"services/*"}, nil, "services/orders", true},
		{[]string{"services/*/"}, nil, "services/orders", true},
		{[]string{"services/*"}, []string{"services/legacy"}, "services/legacy", false},
		{[]string{"services/*"}, nil, "tools/gen", false},
		{[]string{"services/*"}, nil, "services/a/b", false}, // * is one directory, as uv's glob expands it
		{[]string{"./services/orders"}, nil, "services/orders", true},
		{nil, nil, ".", true}, // the root is always a member
		{[]string{"../*", "../../*", "/abs/*"}, nil, "services/orders", false},
		{[]string{"*"}, nil, "../outside", false},
	}
	for _, tt := range tests {
		if got := InWorkspace(tt.members, tt.exclude, tt.rel); got != tt.want {
			t.Errorf("InWorkspace(%q, %q, %q) = %v, want %v", tt.members, tt.exclude, tt.rel, got, tt.want)
		}
	}
}

// TestFindWorkspace: the nearest [tool.uv.workspace] above wins, a
// pyproject.toml without one is passed over, and the walk stops at a
// directory holding .git.
func TestFindWorkspace(t *testing.T) {
	top := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(top, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("repo/.git", "gitdir: elsewhere\n")
	write("repo/pyproject.toml", "[tool.uv.workspace]\nmembers = [\"apps/*\"]\n")
	write("repo/apps/pyproject.toml", "[project]\nname = \"not-a-root\"\n# workspace mentioned in a comment only\n")
	write("repo/apps/api/pyproject.toml", "[project]\nname = \"api\"\n")
	write("pyproject.toml", "[tool.uv.workspace]\nmembers = [\"*/*\"]\n") // above .git: never reached
	write("lone/x/pyproject.toml", "[project]\nname = \"x\"\n")
	write("lone/.git/HEAD", "ref: x\n")

	ws, err := FindWorkspace(filepath.Join(top, "repo", "apps", "api"))
	if err != nil || ws == nil {
		t.Fatalf("FindWorkspace = %v, %v", ws, err)
	}
	if ws.Root != filepath.Join(top, "repo") || ws.Rel != "apps/api" || !ws.Member {
		t.Errorf("FindWorkspace = %+v, want member apps/api of repo", ws)
	}
	if ws, err := FindWorkspace(filepath.Join(top, "lone", "x")); err != nil || ws != nil {
		t.Errorf("FindWorkspace past .git = %+v, %v, want none", ws, err)
	}
	write("repo/apps/inner/pyproject.toml", "[project]\nname = \"inner\"\n[tool.uv.workspace]\n")
	if ws, err := FindWorkspace(filepath.Join(top, "repo", "apps", "inner")); err != nil || ws != nil {
		t.Errorf("FindWorkspace of a workspace root = %+v, %v, want none (its own root)", ws, err)
	}
	write("repo/pyproject.toml", "[tool.uv.workspace]\nmembers = [\"apps/*\"\n")
	_, err = FindWorkspace(filepath.Join(top, "repo", "apps", "api"))
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "pyproject.toml:2:") {
		t.Errorf("broken workspace root: err = %v, want an input error at pyproject.toml:2", err)
	}
}

// FuzzFindWorkspace: any workspace root pyproject.toml gives an input
// error or a workspace, never a panic, and no glob makes a directory a
// member unless a local glob matches it.
func FuzzFindWorkspace(f *testing.F) {
	f.Add([]byte("[tool.uv.workspace]\nmembers = [\"a/*\"]\n"))
	f.Add([]byte("[tool.uv.workspace]\nmembers = [\"../*\", \"/etc/*\", \"../../*\"]\nexclude = [\"a/b\"]\n"))
	f.Add([]byte("[tool.uv.workspace]\nmembers = [\"a/[\"]\n"))
	f.Add([]byte("[tool.uv]\nworkspace = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		top := t.TempDir()
		if err := os.Mkdir(filepath.Join(top, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		member := filepath.Join(top, "a", "b")
		if err := os.MkdirAll(member, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(top, "pyproject.toml"), data, 0o644)
		ws, err := FindWorkspace(member)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		if ws == nil {
			return
		}
		if ws.Root != top || ws.Rel != "a/b" {
			t.Fatalf("workspace %+v, want root %s rel a/b", ws, top)
		}
		py, perr := parsePyproject("pyproject.toml", data)
		if perr != nil {
			t.Fatalf("FindWorkspace accepted what parsePyproject refuses: %v", perr)
		}
		local := 0
		for _, g := range py.Tool.UV.Workspace.Members {
			if filepath.IsLocal(cleanGlob(g)) {
				local++
			}
		}
		if ws.Member && local == 0 {
			t.Fatalf("member through non-local globs only: %q", py.Tool.UV.Workspace.Members)
		}
	})
}
