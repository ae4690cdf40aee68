// Package gitsource exports the tree of one pinned commit of a git
// repository — a lock's git source — into a directory, so that it can be
// packed and built like any local source tree. It runs the machine's git:
// fetches go into a bare repository cached per URL (fetching again only
// when the commit is missing), the commit the lock pins is checked to be a
// commit and is what is exported (a branch that moved since the lock was
// written changes nothing), and the tree is written through safefs, so a
// hostile repository cannot write outside the directory. Only the
// transports git users lock (https, http, ssh, git, file and scp-style
// user@host:path) are accepted; git's ext:: and fd:: helpers, hooks and
// prompts are off.
package gitsource

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// Source is one pinned git source.
type Source struct {
	URL    string // as the lock gives it, without git+ and without #fragment
	Commit string // the full hex commit id the lock pins
	// Subdirectory is the package's directory inside the repository.
	Subdirectory string
}

// ErrNoCommit means the lock names a git source without a commit.
var ErrNoCommit = errors.New("the lock pins no commit for this git source (a branch or tag moves): re-lock so it records the commit")

var hexCommit = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// scpLike is git's user@host:path form.
var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/]`)

// Check validates s before anything runs: a full commit id, a URL of an
// accepted transport, a relative subdirectory inside the repository.
func (s Source) Check() error {
	if s.Commit == "" {
		return ErrNoCommit
	}
	if !hexCommit.MatchString(strings.ToLower(s.Commit)) {
		return fmt.Errorf("git commit %q: expected a full hex commit id (40 or 64 characters)", s.Commit)
	}
	if strings.HasPrefix(s.URL, "-") || strings.ContainsAny(s.URL, "\x00\n") {
		return fmt.Errorf("git URL %q: not a repository URL", s.URL)
	}
	if !scpLike.MatchString(s.URL) {
		u, err := url.Parse(s.URL)
		if err != nil {
			return fmt.Errorf("git URL %q: %w", s.URL, err)
		}
		switch u.Scheme {
		case "https", "http", "ssh", "git", "file":
		default:
			return fmt.Errorf("git URL %q: transport %q is not accepted (https, http, ssh, git, file or user@host:path)", s.URL, u.Scheme)
		}
	}
	if s.Subdirectory != "" && (!filepath.IsLocal(s.Subdirectory) || strings.Contains(s.Subdirectory, `\`)) {
		return fmt.Errorf("git subdirectory %q: expected a relative path inside the repository", s.Subdirectory)
	}
	return nil
}

// Export writes the tree of s's commit (its subdirectory, when set) into
// dest, which must not exist yet. cacheDir keeps one bare repository per
// URL.
func Export(ctx context.Context, s Source, cacheDir, dest string) error {
	if err := s.Check(); err != nil {
		return err
	}
	commit := strings.ToLower(s.Commit)
	sum := sha256.Sum256([]byte(s.URL))
	repo := filepath.Join(cacheDir, hex.EncodeToString(sum[:8])+".git")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	unlock, err := lockFile(repo + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(repo, "HEAD")); err != nil {
		os.RemoveAll(repo)
		if _, err := git(ctx, "", "init", "--quiet", "--bare", "--template=", repo); err != nil {
			return err
		}
	}
	if !hasCommit(ctx, repo, commit) {
		if err := fetch(ctx, repo, s.URL, commit); err != nil {
			return err
		}
		if !hasCommit(ctx, repo, commit) {
			return fmt.Errorf("git source %s: commit %s is not in the repository", s.URL, commit)
		}
	}
	treeish := commit
	if s.Subdirectory != "" {
		treeish += ":" + path.Clean(filepath.ToSlash(s.Subdirectory))
		if _, err := git(ctx, repo, "cat-file", "-e", treeish); err != nil {
			return fmt.Errorf("git source %s@%s: no directory %s in the commit", s.URL, commit, s.Subdirectory)
		}
	}
	if err := os.Mkdir(dest, 0o755); err != nil {
		return err
	}
	cmd := gitCommand(ctx, repo, "archive", "--format=tar", treeish)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git archive: %w", err)
	}
	applyErr := safefs.ApplyLayer(ctx, dest, out, safefs.DefaultLimits)
	if applyErr != nil {
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	if applyErr != nil {
		return fmt.Errorf("git source %s@%s: %w", s.URL, commit, applyErr)
	}
	if waitErr != nil {
		return fmt.Errorf("git archive %s: %w: %s", commit, waitErr, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// fetch brings commit into repo: by its id first (servers allow it with
// protocol v2 or uploadpack.allowReachableSHA1InWant), else every branch
// and tag.
func fetch(ctx context.Context, repo, u, commit string) error {
	if _, err := git(ctx, repo, "fetch", "--quiet", "--no-tags", "--", u, commit); err == nil {
		return nil
	}
	if _, err := git(ctx, repo, "fetch", "--quiet", "--no-tags", "--", u, "+refs/heads/*:refs/pinwheel/heads/*", "+refs/tags/*:refs/pinwheel/tags/*"); err != nil {
		return fmt.Errorf("git source %s: %w", u, err)
	}
	return nil
}

func hasCommit(ctx context.Context, repo, commit string) bool {
	out, err := git(ctx, repo, "rev-parse", "--verify", "--quiet", commit+"^{commit}")
	return err == nil && strings.TrimSpace(out) == commit
}

// git runs git with prompts, hooks and the ext/fd transports off.
func git(ctx context.Context, repo string, args ...string) (string, error) {
	cmd := gitCommand(ctx, repo, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("building a git source needs git on PATH: %w", err)
		}
		return "", fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func gitCommand(ctx context.Context, repo string, args ...string) *exec.Cmd {
	base := []string{"-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never", "-c", "core.hooksPath=/dev/null",
		"-c", "advice.detachedHead=false"}
	if repo != "" {
		base = append(base, "--git-dir", repo)
	}
	cmd := exec.CommandContext(ctx, "git", append(base, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=/bin/false", "SSH_ASKPASS=/bin/false", "GIT_CONFIG_NOSYSTEM=1")
	return cmd
}

// lockFile takes an exclusive flock on name: one fetch per repository at a
// time, across processes.
func lockFile(name string) (func(), error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
