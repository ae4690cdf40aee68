package controller

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/drift"
	"pinwheel.dev/pinwheel/internal/notify"
)

// driftCheck runs drift.Kube over the controller's namespaces every
// interval while this controller leads, and notifies each finding once:
// one already reported in the previous round is not sent again; one that
// went away (pinwheel applied the release again, a person undid the edit)
// and came back is.
type driftCheck struct {
	c          client.Reader
	namespaces []string
	every      time.Duration
	n          notify.Notifier
	log        *slog.Logger
	now        func() time.Time
	reported   map[string]bool
}

func newDriftCheck(c client.Reader, o Options) *driftCheck {
	return &driftCheck{c: c, namespaces: strings.Split(o.Namespace, ","), every: o.DriftInterval, n: o.Notifier,
		log: o.Log, now: o.Clock, reported: map[string]bool{}}
}

// NeedLeaderElection: only the leader checks, so each finding is sent once.
func (d *driftCheck) NeedLeaderElection() bool { return true }

// Start checks at once, then every interval, until ctx ends.
func (d *driftCheck) Start(ctx context.Context) error {
	t := time.NewTicker(d.every)
	defer t.Stop()
	for {
		d.round(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// round checks every namespace and notifies the new findings; it returns
// how many it sent.
func (d *driftCheck) round(ctx context.Context) int {
	var all drift.Report
	for _, ns := range d.namespaces {
		r, err := drift.Kube(ctx, d.c, strings.TrimSpace(ns))
		if err != nil {
			d.log.Warn("drift check", "namespace", ns, "err", err)
			return 0 // keep what was reported: a failed round proves nothing gone
		}
		all.Merge(r)
	}
	seen := map[string]bool{}
	sent := 0
	for _, f := range all.Findings {
		key := string(f.Kind) + "\x00" + f.Object + "\x00" + f.Got
		seen[key] = true
		if d.reported[key] {
			continue
		}
		ev := notify.WithID(notify.Event{Type: notify.DriftDetected, Time: d.now(), Service: f.Service, Reason: f.Object + ": " + f.Message,
			Release: notify.ReleaseRef{ID: f.Release}, Drift: &notify.Drift{Kind: string(f.Kind), Object: f.Object, Want: f.Want, Got: f.Got}})
		if err := d.n.Notify(ctx, ev); err != nil {
			d.log.Warn("drift notification", "object", f.Object, "err", err)
			continue // not reported: the next round tries again
		}
		seen[key], d.reported[key] = true, true
		sent++
	}
	for key := range d.reported {
		if !seen[key] {
			delete(d.reported, key)
		}
	}
	return sent
}
