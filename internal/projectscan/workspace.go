package projectscan

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Workspace is the uv workspace a project directory sits in, as uv finds
// it: the nearest directory above whose pyproject.toml has a
// [tool.uv.workspace] table.
type Workspace struct {
	// Root is the workspace root directory (absolute).
	Root string
	// Rel is the project's directory relative to Root, slash-separated.
	Rel string
	// Member reports whether the workspace's members globs, less its
	// exclude globs, include Rel (uv's membership test).
	Member bool
}

// FindWorkspace walks up from dir's parent (when dir is no workspace root
// itself) to the nearest pyproject.toml
// with [tool.uv.workspace], as uv does, stopping at the filesystem root or
// after a directory that holds .git (a repository's top). It returns nil
// when there is none. Each candidate's pyproject.toml is read through an
// os.Root opened on that directory, and membership is decided from the
// globs alone (no directory beyond dir is listed), so no glob ("../*", an
// absolute path) makes it read outside the workspace root. An unparsable
// candidate pyproject.toml is a positioned *inputerr.Error, as uv fails on
// it too.
func FindWorkspace(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if isRepoTop(abs) {
		return nil, nil
	}
	if own, err := readWorkspacePyproject(abs); err != nil || own != nil {
		return nil, err // a workspace root of its own: uv nests no workspaces
	}
	for cur := filepath.Dir(abs); ; cur = filepath.Dir(cur) {
		py, err := readWorkspacePyproject(cur)
		if err != nil {
			return nil, err
		}
		if py != nil {
			rel, err := filepath.Rel(cur, abs)
			if err != nil {
				return nil, err
			}
			rel = filepath.ToSlash(rel)
			ws := py.Tool.UV.Workspace
			return &Workspace{Root: cur, Rel: rel, Member: InWorkspace(ws.Members, ws.Exclude, rel)}, nil
		}
		if isRepoTop(cur) || filepath.Dir(cur) == cur {
			return nil, nil
		}
	}
}

// readWorkspacePyproject is dir's pyproject.toml when it declares a uv
// workspace, else nil.
func readWorkspacePyproject(dir string) (*pyproject, error) {
	t, err := openTree(dir)
	if err != nil {
		return nil, nil // an unreadable ancestor holds no workspace we can use
	}
	defer t.Close()
	data, err := t.readOpt("pyproject.toml")
	if err != nil || data == nil {
		return nil, nil
	}
	if !strings.Contains(string(data), "workspace") {
		return nil, nil // cheap: most ancestors' pyproject.toml are no workspace roots
	}
	py, err := parsePyproject(filepath.Join(dir, "pyproject.toml"), data)
	if err != nil {
		return nil, err
	}
	if !hasWorkspaceTable(data) {
		return nil, nil
	}
	return py, nil
}

// hasWorkspaceTable reports whether [tool.uv.workspace] is present, even
// empty (uv treats `[tool.uv.workspace]` with no members as a workspace
// of the root alone).
func hasWorkspaceTable(data []byte) bool {
	var probe struct {
		Tool struct {
			UV struct {
				Workspace *struct{} `toml:"workspace"`
			} `toml:"uv"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(data), &probe); err != nil {
		return false
	}
	return probe.Tool.UV.Workspace != nil
}

// isRepoTop reports whether dir holds .git (a directory, or a file for a
// worktree or submodule): uv stops its search there.
func isRepoTop(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil
}

// InWorkspace reports whether rel (slash-separated, relative to the
// workspace root) is a member: matched by one of the members globs and by
// none of the exclude globs. Globs that are not local ("../x", "/abs")
// match nothing; "." is the root itself, always a member.
func InWorkspace(members, exclude []string, rel string) bool {
	rel = path.Clean(rel)
	if rel == "." {
		return true
	}
	if !filepath.IsLocal(rel) || excluded(rel, exclude) {
		return false
	}
	for _, g := range members {
		if ok, _ := path.Match(cleanGlob(g), rel); ok && filepath.IsLocal(cleanGlob(g)) {
			return true
		}
	}
	return false
}

func cleanGlob(g string) string {
	return strings.TrimSuffix(path.Clean(g), "/")
}
