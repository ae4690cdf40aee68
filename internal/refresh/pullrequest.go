package refresh

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/refresh/ghpr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// PlanFile is where a pull request that could not be re-locked carries the
// plan, beside the lockfile.
const PlanFile = ".pinwheel/refresh-plan.md"

// PullRequest is the pull request for p: a branch named after the day and
// the proposed versions, the plan's title and markdown body, its labels
// (extra first), and one file: the re-locked lockfile when the lock tool
// ran, else the plan itself (PlanFile beside the lockfile), since a pull
// request needs a commit. Paths are relative to RepoRoot(lockfile).
func PullRequest(ctx context.Context, p *Plan, extraLabels []string, now time.Time) (ghpr.Request, error) {
	lockAbs, err := filepath.Abs(p.Lockfile)
	if err != nil {
		return ghpr.Request{}, err
	}
	root := RepoRoot(filepath.Dir(lockAbs))
	// The body names paths as the repository has them, not as this
	// machine does.
	shown := *p
	shown.Lockfile = repoPath(root, lockAbs)
	if p.Relock != nil {
		rl := *p.Relock
		rl.Dir = repoPath(root, filepath.Dir(lockAbs))
		shown.Relock = &rl
	}
	var body bytes.Buffer
	if err := shown.WriteMarkdown(&body); err != nil {
		return ghpr.Request{}, err
	}
	r := ghpr.Request{
		Branch:  branch(p, now),
		Title:   p.Title(),
		Body:    body.String(),
		Labels:  p.Labels(extraLabels),
		Message: p.Title(),
	}
	if p.Relock != nil && p.Relock.Ran && p.Relock.Err == "" {
		data, err := safefs.ReadFile(ctx, root, lockAbs, 0)
		if err != nil {
			return r, fmt.Errorf("read the re-locked %s: %w", p.Lockfile, err)
		}
		r.Files = append(r.Files, ghpr.File{Path: repoPath(root, lockAbs), Content: data})
		return r, nil
	}
	r.Files = append(r.Files, ghpr.File{Path: repoPath(root, filepath.Join(filepath.Dir(lockAbs), PlanFile)), Content: body.Bytes()})
	return r, nil
}

// RepoRoot is the nearest directory at or above dir holding .git, or dir.
func RepoRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

func repoPath(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(p)
	}
	return filepath.ToSlash(rel)
}

// branch is pinwheel/refresh-YYYYMMDD-<hash of the proposed versions>: the
// same plan on the same day gets the same branch (GitHub refuses to create
// it twice), a different plan another.
func branch(p *Plan, now time.Time) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", p.Lockfile)
	for _, u := range p.Updates {
		fmt.Fprintf(h, "%s==%s\n", u.Package, u.To)
	}
	return "pinwheel/refresh-" + now.UTC().Format("20060102") + "-" + hex.EncodeToString(h.Sum(nil))[:8]
}
