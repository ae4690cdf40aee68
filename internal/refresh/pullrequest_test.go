package refresh

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/lock"
)

func relockedPlan(t *testing.T, ran bool) (*Plan, string) {
	t.Helper()
	repo := t.TempDir()
	svc := filepath.Join(repo, "services", "api")
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	os.MkdirAll(svc, 0o755)
	os.WriteFile(filepath.Join(svc, "uv.lock"), []byte("re-locked contents\n"), 0o644)
	p := &Plan{Lockfile: filepath.Join(svc, "uv.lock"), Format: lock.FormatUV,
		Updates: []Update{{Package: "requests", From: "2.31.0", To: "2.32.3", Level: lock.LevelMinor, Risk: lock.RiskMedium, Labels: []string{"minor"}}}}
	p.Relock, _ = RelockArgv(p.Format, p.Lockfile, p.Updates)
	p.Relock.Installed, p.Relock.Ran = ran, ran
	return p, repo
}

func TestPullRequestCommitsTheRelockedLockfile(t *testing.T) {
	p, repo := relockedPlan(t, true)
	r, err := PullRequest(context.Background(), p, []string{"deps"}, time.Date(2026, 12, 14, 7, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Files) != 1 || r.Files[0].Path != "services/api/uv.lock" || string(r.Files[0].Content) != "re-locked contents\n" {
		t.Errorf("files %+v", r.Files)
	}
	if !strings.HasPrefix(r.Branch, "pinwheel/refresh-20261214-") || r.Title != "Lock refresh: requests 2.31.0 → 2.32.3" ||
		strings.Join(r.Labels, ",") != "deps,risk:medium,minor" {
		t.Errorf("request %+v", r)
	}
	if strings.Contains(r.Body, repo) || !strings.Contains(r.Body, "`services/api/uv.lock`") || !strings.Contains(r.Body, "Re-locked with `uv`") {
		t.Errorf("body %s", r.Body)
	}
}

func TestPullRequestWithoutRelockCarriesThePlan(t *testing.T) {
	p, _ := relockedPlan(t, false)
	r, err := PullRequest(context.Background(), p, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Files) != 1 || r.Files[0].Path != "services/api/.pinwheel/refresh-plan.md" || string(r.Files[0].Content) != r.Body {
		t.Errorf("files %+v", r.Files)
	}
	if !strings.Contains(r.Body, "run in `services/api` and push") {
		t.Errorf("body %s", r.Body)
	}
	// Another plan, another branch; the same plan, the same branch.
	now := time.Now()
	a, _ := PullRequest(context.Background(), p, nil, now)
	p.Updates[0].To = "2.32.4"
	b, _ := PullRequest(context.Background(), p, nil, now)
	if a.Branch != r.Branch || a.Branch == b.Branch {
		t.Errorf("branches %s %s %s", r.Branch, a.Branch, b.Branch)
	}
}
