package gitsource

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo makes a git repository with files committed at a fixed time and
// returns its directory and the commit id.
func repo(t *testing.T, files map[string]string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	run(t, dir, "init", "--quiet", "--initial-branch=main")
	return dir, commit(t, dir, files)
}

func commit(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for p, body := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "--quiet", "-m", "c")
	return strings.TrimSpace(run(t, dir, "rev-parse", "HEAD"))
}

func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.invalid", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z",
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v: %s", args, err, out)
	}
	return string(out)
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The pinned commit is exported, not the branch head: a commit pushed
// after the lock was written changes nothing. A subdirectory exports only
// that directory; the second export comes from the cached repository.
func TestExportPinnedCommit(t *testing.T) {
	src, first := repo(t, map[string]string{"pkg/pyproject.toml": "[project]\n", "pkg/mod.py": "X = 1\n", "README": "top\n"})
	commit(t, src, map[string]string{"pkg/mod.py": "X = 2\n"})
	cache := t.TempDir()
	ctx := context.Background()

	dest := filepath.Join(t.TempDir(), "tree")
	if err := Export(ctx, Source{URL: "file://" + src, Commit: first}, cache, dest); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dest, "pkg", "mod.py")); got != "X = 1\n" {
		t.Errorf("exported mod.py %q, want the pinned commit's", got)
	}
	if _, err := os.Stat(filepath.Join(dest, ".git")); err == nil {
		t.Error("the export holds .git")
	}

	// Subdirectory, from the cache: the source repository is gone.
	os.RemoveAll(src)
	sub := filepath.Join(t.TempDir(), "sub")
	if err := Export(ctx, Source{URL: "file://" + src, Commit: strings.ToUpper(first), Subdirectory: "pkg"}, cache, sub); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(sub, "mod.py")); got != "X = 1\n" {
		t.Errorf("subdirectory mod.py %q", got)
	}
	if _, err := os.Stat(filepath.Join(sub, "README")); err == nil {
		t.Error("a subdirectory export holds the repository's top level")
	}
}

func TestExportRefusesWhatTheRepositoryDoesNotHold(t *testing.T) {
	src, c := repo(t, map[string]string{"a.py": "\n"})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		s    Source
		want string
	}{
		{"unknown commit", Source{URL: "file://" + src, Commit: strings.Repeat("ab", 20)}, "is not in the repository"},
		{"no such directory", Source{URL: "file://" + src, Commit: c, Subdirectory: "nope"}, "no directory nope"},
		{"no repository", Source{URL: "file://" + filepath.Join(src, "missing"), Commit: c}, "git source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "tree")
			err := Export(ctx, tc.s, t.TempDir(), dest)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	c := strings.Repeat("a", 40)
	for _, tc := range []struct {
		s    Source
		want string // "" = accepted
	}{
		{Source{URL: "https://example.invalid/r.git", Commit: c}, ""},
		{Source{URL: "git@example.invalid:org/r.git", Commit: c}, ""},
		{Source{URL: "ssh://git@example.invalid/r", Commit: strings.Repeat("b", 64)}, ""},
		{Source{URL: "https://example.invalid/r.git"}, "pins no commit"},
		{Source{URL: "https://example.invalid/r.git", Commit: "main"}, "full hex commit"},
		{Source{URL: "https://example.invalid/r.git", Commit: c[:12]}, "full hex commit"},
		{Source{URL: "ext::sh -c touch% /tmp/pwned", Commit: c}, "not accepted"},
		{Source{URL: "fd::3", Commit: c}, "not accepted"},
		{Source{URL: "-uupload-pack=touch /tmp/pwned", Commit: c}, "not a repository URL"},
		{Source{URL: "https://example.invalid/r.git", Commit: c, Subdirectory: "../../etc"}, "inside the repository"},
		{Source{URL: "https://example.invalid/r.git", Commit: c, Subdirectory: "/etc"}, "inside the repository"},
	} {
		err := tc.s.Check()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: err = %v, want %q", tc.s, err, tc.want)
		}
	}
	if !errors.Is(Source{URL: "https://x.invalid/r"}.Check(), ErrNoCommit) {
		t.Error("no commit is not ErrNoCommit")
	}
}

// FuzzCheck: whatever the lock says, Check never panics, and what it
// accepts is a full commit, a URL that does not start with "-" and a local
// subdirectory.
func FuzzCheck(f *testing.F) {
	f.Add("https://example.invalid/r.git", strings.Repeat("a", 40), "pkg")
	f.Add("ext::sh", "main", "../x")
	f.Add("git@h:o/r", strings.Repeat("0", 64), "")
	f.Fuzz(func(t *testing.T, u, c, sub string) {
		s := Source{URL: u, Commit: c, Subdirectory: sub}
		if s.Check() != nil {
			return
		}
		if strings.HasPrefix(u, "-") || !hexCommit.MatchString(strings.ToLower(c)) || (sub != "" && !filepath.IsLocal(sub)) {
			t.Fatalf("accepted %+v", s)
		}
	})
}
