package driver

import (
	"context"
	"encoding/json"
	"fmt"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// finish records a terminal rollout in the ledger: a promoted canary becomes
// the live, known-good release; a rolled-back one is marked so, and an
// automatic rollback files the remediation report.
func (d *Driver) finish(ctx context.Context, ro ledger.Rollout, st loop.State) {
	switch st.Status.Phase {
	case rollout.Promoted:
		if err := d.store.SetReleaseState(ctx, st.Canary.ID, ledger.ReleaseLive, true); err != nil {
			d.log.Error("mark release live", "release", st.Canary.ID, "err", err)
		}
	default:
		if err := d.store.SetReleaseState(ctx, st.Canary.ID, ledger.ReleaseRolledBack, false); err != nil {
			d.log.Error("mark release rolled back", "release", st.Canary.ID, "err", err)
		}
		if st.Status.Phase == rollout.RolledBack && !st.Manual {
			if _, err := d.remediate(ctx, ro, st); err != nil {
				d.log.Error("remediation report", "rollout", ro.ID, "err", err)
			}
		}
	}
}

// remediate gathers the evidence of an automatic rollback, files it with the
// tracker and records the incident. It returns where the report went.
func (d *Driver) remediate(ctx context.Context, ro ledger.Rollout, st loop.State) (string, error) {
	if d.tracker == nil {
		return "", nil
	}
	failed, err := d.store.GetRelease(ctx, ro.Service, st.Canary.ID)
	if err != nil {
		return "", err
	}
	rem := notify.Remediation{Service: ro.Service, RolloutID: ro.ID, At: d.now(), Reason: loop.Why(st.Status), Failed: failed.Facts}
	if st.Stable != nil {
		if restored, err := d.store.GetRelease(ctx, ro.Service, st.Stable.ID); err == nil {
			rem.Restored = restored.Facts
			diff := changes.Compare(rem.Restored, rem.Failed, changes.Options{GitLog: d.gitLog})
			rem.Diff = &diff
		}
	}
	rem.Verdicts = loop.FailingVerdicts(st.Status)
	if logs, err := d.target.Logs(ctx, ro.Service, st.Canary.ID, 60); err == nil {
		rem.LogTail = logs
	}
	if fs, ok := d.target.(runtime.FailureSampler); ok {
		if reqs, err := fs.FailedRequests(ctx, ro.Service, st.Canary.ID, 20); err == nil {
			for _, r := range reqs {
				rem.Samples = append(rem.Samples, notify.FailedRequest{Time: r.Time, Replica: r.Replica, Method: r.Method,
					Path: r.Path, Status: r.Status, Latency: r.Latency, Body: r.Body})
			}
		}
	}
	if ds, err := d.store.Decisions(ctx, ro.ID); err == nil {
		rem.Decisions = engineDecisions(ds)
	} else {
		rem.Decisions = st.Status.Decisions
	}
	filed, err := notify.FileRemediation(ctx, d.tracker, rem)
	if err != nil {
		return "", fmt.Errorf("file remediation: %w", err)
	}
	summary, _ := json.Marshal(map[string]any{"reason": rem.Reason, "failing": len(rem.Verdicts)})
	if _, err := d.store.RecordIncident(ctx, ledger.Incident{RolloutID: ro.ID, ReleaseID: st.Canary.ID, Title: rem.Title(),
		Location: filed.Location, Summary: string(summary)}); err != nil {
		return filed.Location, err
	}
	d.log.Info("remediation filed", "rollout", ro.ID, "location", filed.Location)
	return filed.Location, nil
}
