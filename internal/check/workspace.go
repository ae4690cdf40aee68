package check

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

// workspaceLock finds the uv.lock of the uv workspace a project with a
// pyproject.toml but no lock of its own is a member of, as uv does
// (projectscan.FindWorkspace). It returns the lock's path, or "" and why
// the workspace's lock is not this project's (added to PW101), or "" and
// "" when no workspace is above the project.
func workspaceLock(p *project) (path, why string, err error) {
	ws, err := projectscan.FindWorkspace(p.dir)
	if err != nil || ws == nil {
		return "", "", err
	}
	abs, err := filepath.Abs(p.dir)
	if err != nil {
		return "", "", err
	}
	up, err := filepath.Rel(abs, ws.Root)
	if err != nil {
		return "", "", err
	}
	rootDir := filepath.Join(p.dir, up) // as the user named the project: ../.. from it
	rootFile := p.rel(filepath.Join(rootDir, "pyproject.toml"))
	if !ws.Member {
		return "", fmt.Sprintf("; %s declares a uv workspace whose members do not include %s, so its lock is not this project's (add it to [tool.uv.workspace] members, or lock it on its own)", rootFile, ws.Rel), nil
	}
	root, err := os.OpenRoot(ws.Root)
	if err != nil {
		return "", "", err
	}
	defer root.Close()
	st, err := root.Stat("uv.lock")
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Sprintf("; it is a member (%s) of the uv workspace of %s, which has no uv.lock either", ws.Rel, rootFile), nil
	}
	if err != nil { // a link out of the workspace root, say
		return "", "", &inputerr.Error{Path: p.rel(filepath.Join(rootDir, "uv.lock")), Msg: "cannot read the uv workspace's lock", Err: err}
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Sprintf("; the uv workspace's %s is not a regular file", p.rel(filepath.Join(rootDir, "uv.lock"))), nil
	}
	return filepath.Join(rootDir, "uv.lock"), "", nil
}

// checkMemberLock runs the lock rules for a uv workspace member checked
// from its own directory against the workspace's lock l (at rel): PW104
// for the packages the member installs (lock.Select narrows to it), PW102
// for its own pyproject.toml, and PW103 when the lock admits a Python the
// member does not (the lock is resolved for the intersection of its
// members' ranges, so a member's may rightly be wider, never narrower).
// Other members are left to a check of the workspace root.
func checkMemberLock(p *project, l *lock.Lock, m *manifest, rel string, r *Report) error {
	cfg, err := projectConfig(p)
	if err != nil {
		return err
	}
	sel, err := cfg.Select(l)
	if err != nil {
		return err
	}
	if sel.Member == "" {
		r.add("PW102", m.File, 0, "%s is a uv workspace member but %s does not lock it: the lock is stale", m.File, rel)
		return nil
	}
	checkHashes(p, l, sel.Packages, rel, r)
	own, lm := *m, *m.Manifest // copies: the Python rules read m later
	own.Manifest = &lm
	own.RequiresPython = ""
	checkStale(&own, l, rel, targetPythons(p, m.RequiresPython), r)
	if m.RequiresPython != "" && l.RequiresPython != "" && !pythonsWithin(l.RequiresPython, m.RequiresPython) {
		r.add("PW103", m.File, m.RequiresPythonLine, "%s requires Python %q but the workspace lock %s was resolved for %q, which admits Pythons this member does not",
			m.File, m.RequiresPython, rel, l.RequiresPython)
	}
	return nil
}

// pythonsWithin reports whether every Python release (X.Y.0, as
// samePythons compares) that inner admits, outer admits too. Values that
// are not specifier sets are judged equal or not as text.
func pythonsWithin(inner, outer string) bool {
	si, errI := pep.ParseSpecifierSet(inner)
	so, errO := pep.ParseSpecifierSet(outer)
	if errI != nil || errO != nil {
		return normalizeSpec(inner) == normalizeSpec(outer)
	}
	for _, v := range pythonReleases {
		if si.Contains(v, true) && !so.Contains(v, true) {
			return false
		}
	}
	return true
}
