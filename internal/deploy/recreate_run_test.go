package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// git runs git in dir and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// entries lists dir's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// The recipe runs from any directory and writes nothing there: the source
// is cloned into a work directory of its own, at the recorded commit. The
// pinwheel it calls is a recorder on PATH (the commands it records are
// tested where they live); the script's own file handling is what runs.
func TestRecreateScriptRunsAnywhereAndWritesNothingThere(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed (scripts/setup.sh installs it)")
	}
	repo := t.TempDir()
	git(t, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "pylock.toml"), []byte("# v1\n"), 0o644)
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "v1")
	commit := git(t, repo, "rev-parse", "HEAD")
	os.WriteFile(filepath.Join(repo, "pylock.toml"), []byte("# v2, not the release\n"), 0o644)
	git(t, repo, "commit", "-q", "-am", "v2")

	bin, log := t.TempDir(), filepath.Join(t.TempDir(), "calls")
	recorder := "#!/bin/sh\necho \"$PWD|$*|$(cat pylock.toml)\" >> " + log + "\n[ \"$1 $2\" = \"lock hash\" ] && echo sha256:c661\nexit 0\n"
	if err := os.WriteFile(filepath.Join(bin, "pinwheel"), []byte(recorder), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		source string // recorded repository URL
		runIn  string // where the script runs
	}{
		{"recorded source, run from an empty directory", repo, t.TempDir()},
		{"no recorded source, run inside the clone", "", repo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(log)
			rel := ledger.Release{Facts: changes.Facts{ID: "shop-1", Service: "shop", Config: []byte(`{"lockfile":"pylock.toml"}`), Info: attest.BuildInfo{Service: "shop", GitCommit: commit, GitSource: tc.source, LockHash: "sha256:c661", LockFormat: "pylock.toml"}}}
			var script bytes.Buffer
			if err := WriteRecipe(&script, Recreate(rel)); err != nil {
				t.Fatal(err)
			}
			before := entries(t, tc.runIn)
			status := git(t, repo, "status", "--porcelain")
			tmp := t.TempDir()
			cmd := exec.Command("bash", "-c", script.String())
			cmd.Dir = tc.runIn
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "TMPDIR="+tmp)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("script failed: %v\n%s\nscript:\n%s", err, out, script.String())
			}
			if after := entries(t, tc.runIn); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("the script wrote where it ran: %v → %v", before, after)
			}
			if got := git(t, repo, "status", "--porcelain"); got != status {
				t.Errorf("the repository changed: %q", got)
			}
			calls, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
			if len(lines) < 3 {
				t.Fatalf("pinwheel called %d times:\n%s", len(lines), calls)
			}
			for _, l := range lines {
				dir, rest, _ := strings.Cut(l, "|")
				if !strings.HasPrefix(dir, tmp+"/recreate-shop-1.") || !strings.HasSuffix(dir, "/shop") {
					t.Errorf("pinwheel ran in %s, want the work directory under TMPDIR", dir)
				}
				if !strings.HasSuffix(rest, "|# v1") {
					t.Errorf("pinwheel saw %q: want the recorded commit's lockfile", rest)
				}
			}
			if !strings.Contains(string(out), "recreated shop-1 in "+tmp+"/recreate-shop-1.") {
				t.Errorf("the script does not say where it worked:\n%s", out)
			}
		})
	}
}
