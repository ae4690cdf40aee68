package notify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Issue is a report to file with a tracker.
type Issue struct {
	Title  string
	Body   string   // markdown
	Labels []string // added to the tracker's own labels
	// Key and At name the report file (the release ID and the rollback time).
	Key string
	At  time.Time
}

// Filed says where an issue went.
type Filed struct {
	Location string // issue or comment URL, or file path
	Number   int    // the issue number, for trackers that have them
	// Commented is true when an open issue with the same title existed and the
	// report was added to it as a comment.
	Commented bool
	// Fallback is the primary tracker's error when the report went to the
	// fallback tracker instead (see Fallback).
	Fallback error
}

// IssueTracker files remediation reports.
type IssueTracker interface {
	File(ctx context.Context, is Issue) (Filed, error)
	// MaxBody is the longest body the tracker accepts in bytes (0: no limit).
	MaxBody() int
	Name() string
}

// FileRemediation renders r within t's size limit and files it. Behind a
// Fallback, a report that falls back is rendered again for the fallback's
// limit, so a report file is never shortened to fit GitHub.
func FileRemediation(ctx context.Context, t IssueTracker, r Remediation) (Filed, error) {
	fb, ok := t.(fallback)
	if !ok {
		return t.File(ctx, r.Issue(t.MaxBody()))
	}
	filed, err := FileRemediation(ctx, fb.primary, r)
	if err == nil {
		return filed, nil
	}
	filed, err2 := FileRemediation(ctx, fb.secondary, r)
	if err2 != nil {
		return Filed{}, errors.Join(err, err2)
	}
	filed.Fallback = err
	return filed, nil
}

// FileTracker writes each report as a markdown file in a directory; it is
// the tracker used when none is configured.
type FileTracker struct{ Dir string }

var _ IssueTracker = FileTracker{}

// DefaultReportDir is where FileTracker writes when the config names no directory.
const DefaultReportDir = ".pinwheel/incidents"

// Name is the directory.
func (f FileTracker) Name() string { return f.Dir }

// MaxBody is 0: files have no size limit.
func (FileTracker) MaxBody() int { return 0 }

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// File writes Dir/<time>-<key>.md atomically (temporary file, then rename)
// and returns its path. An existing report of the same name is replaced.
func (f FileTracker) File(_ context.Context, is Issue) (Filed, error) {
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return Filed{}, fmt.Errorf("report dir: %w", err)
	}
	key := strings.Trim(unsafeName.ReplaceAllString(is.Key, "_"), "._")
	if key == "" {
		key = "report"
	}
	at := is.At
	if at.IsZero() {
		at = time.Now()
	}
	path := filepath.Join(f.Dir, at.UTC().Format("20060102T150405Z")+"-"+key+".md")
	body := "# " + is.Title + "\n\n"
	if len(is.Labels) > 0 {
		body += "Labels: " + strings.Join(is.Labels, ", ") + "\n\n"
	}
	body += is.Body
	if err := writeFileAtomic(path, []byte(body)); err != nil {
		return Filed{}, err
	}
	return Filed{Location: path}, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

type fallback struct{ primary, secondary IssueTracker }

// Fallback files with primary and, when that fails, with secondary (a
// FileTracker, so the report is never lost). When the secondary succeeds the
// error is nil and Filed.Fallback holds the primary's error.
func Fallback(primary, secondary IssueTracker) IssueTracker { return fallback{primary, secondary} }

func (f fallback) Name() string { return f.primary.Name() }
func (f fallback) MaxBody() int { return f.primary.MaxBody() }

func (f fallback) File(ctx context.Context, is Issue) (Filed, error) {
	filed, err := f.primary.File(ctx, is)
	if err == nil {
		return filed, nil
	}
	filed2, err2 := f.secondary.File(ctx, is)
	if err2 != nil {
		return Filed{}, errors.Join(err, err2)
	}
	filed2.Fallback = err
	return filed2, nil
}

// DefaultTrackerAttempts is how often FromConfig's tracker tries GitHub
// before falling back to a file.
const DefaultTrackerAttempts = 3

type retryingTracker struct {
	inner IssueTracker
	r     *retrying
}

// RetryingTracker wraps t so transient failures (network errors, 5xx, 429)
// are retried like Retrying does for notifiers. A retried GitHub filing that
// had in fact succeeded finds its issue by title and comments on it rather
// than opening a second one.
func RetryingTracker(t IssueTracker, opts ...RetryOption) IssueTracker {
	r := newRetrying(opts)
	r.name = t.Name()
	return retryingTracker{inner: t, r: r}
}

func (t retryingTracker) Name() string { return t.inner.Name() }
func (t retryingTracker) MaxBody() int { return t.inner.MaxBody() }

func (t retryingTracker) File(ctx context.Context, is Issue) (Filed, error) {
	var filed Filed
	err := t.r.do(ctx, "issue", func(ctx context.Context) error {
		var err error
		filed, err = t.inner.File(ctx, is)
		return err
	})
	return filed, err
}
