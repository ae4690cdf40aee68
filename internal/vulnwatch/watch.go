package vulnwatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// Release is a running release: its id, image digest, build metadata and
// the packages in it.
type Release struct {
	ID       string
	Service  string
	Digest   string
	Info     attest.BuildInfo
	Packages []vuln.Located
}

// Hit is what newly affects one running release.
type Hit struct {
	Release  Release
	Findings []vuln.Finding
	Issue    string // where the remediation issue went ("" when none was filed)
}

// NewHits matches every release against src and returns, per release with
// something new, the findings not yet in st for its digest, marking them
// seen (the caller saves st once they are reported).
func NewHits(ctx context.Context, src vuln.Source, rels []Release, st *State) ([]Hit, error) {
	var hits []Hit
	for _, r := range rels {
		rep, err := vuln.Run(ctx, src, []string{r.ID}, r.Packages, nil, time.Time{})
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", r.ID, err)
		}
		var fresh []vuln.Finding
		for _, f := range rep.Findings {
			if st.isNew(r.Digest, f) {
				fresh = append(fresh, f)
				st.mark(r.Digest, f)
			}
		}
		if len(fresh) > 0 {
			hits = append(hits, Hit{Release: r, Findings: fresh})
		}
	}
	return hits, nil
}

// Watcher runs the scheduled scan. Source is called on every pass, so an
// offline database refreshed on disk (or the OSV API) is read anew.
type Watcher struct {
	Source   func(ctx context.Context) (vuln.Source, error)
	Releases func(ctx context.Context) ([]Release, error)
	State    *State
	Notifier notify.Notifier     // optional
	Tracker  notify.IssueTracker // optional
	Now      func() time.Time    // default time.Now
	Log      *slog.Logger        // default: discard
}

// Pass runs one scan: new hits are filed as issues and notified, then the
// state is saved. A hit whose issue or notification fails is not marked
// seen, so the next pass tries it again.
func (w *Watcher) Pass(ctx context.Context) ([]Hit, error) {
	src, err := w.Source(ctx)
	if err != nil {
		return nil, fmt.Errorf("advisories: %w", err)
	}
	rels, err := w.Releases(ctx)
	if err != nil {
		return nil, fmt.Errorf("running releases: %w", err)
	}
	hits, err := NewHits(ctx, src, rels, w.State)
	if err != nil {
		return nil, err
	}
	var errs []error
	for i := range hits {
		if err := w.report(ctx, &hits[i]); err != nil {
			errs = append(errs, err)
			for _, f := range hits[i].Findings {
				w.State.unmark(hits[i].Release.Digest, f)
			}
		}
	}
	if err := w.State.Save(); err != nil {
		errs = append(errs, err)
	}
	return hits, errors.Join(errs...)
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Watcher) report(ctx context.Context, h *Hit) error {
	if w.Tracker != nil {
		filed, err := w.Tracker.File(ctx, Issue(*h, w.Tracker.MaxBody(), w.now()))
		if err != nil {
			return fmt.Errorf("file the issue for %s: %w", h.Release.ID, err)
		}
		h.Issue = filed.Location
	}
	if w.Notifier != nil {
		ev := Event(*h, w.now())
		if err := w.Notifier.Notify(ctx, ev); err != nil {
			return fmt.Errorf("notify %s: %w", h.Release.ID, err)
		}
	}
	return nil
}

// Run calls Pass every interval until ctx ends, logging what each finds.
func (w *Watcher) Run(ctx context.Context, interval time.Duration) {
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		hits, err := w.Pass(ctx)
		if err != nil {
			log.Warn("vulnerability scan", "err", err)
		}
		for _, h := range hits {
			log.Info("new vulnerabilities in a running release", "release", h.Release.ID, "count", len(h.Findings), "issue", h.Issue)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *State) unmark(digest string, f vuln.Finding) {
	for _, k := range keys(f) {
		delete(s.Seen[digest], k)
	}
}

// Event is the notification of a hit: type vulnerability.found, the
// release with its build metadata, the advisories in Reason, the issue as
// Link.
func Event(h Hit, now time.Time) notify.Event {
	var parts []string
	for _, f := range h.Findings {
		parts = append(parts, fmt.Sprintf("%s (%s %s, %s)", f.ID, f.Package.Name, f.Package.Version, f.Severity.Level))
	}
	return notify.Event{Version: notify.SchemaVersion, ID: fmt.Sprintf("vuln-%s-%d", h.Release.Digest, now.UnixNano()),
		Type: notify.VulnerabilityFound, Time: now, Service: h.Release.Service,
		Release: notify.ReleaseRef{ID: h.Release.ID, Build: h.Release.Info},
		Reason:  fmt.Sprintf("%d new: %s", len(h.Findings), strings.Join(parts, "; ")), Link: h.Issue}
}
