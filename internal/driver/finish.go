package driver

import (
	"context"
	"encoding/json"
	"fmt"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/release"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// finish records a terminal rollout in the ledger: a promoted canary becomes
// the live, known-good release; a rolled-back one is marked so, and an
// automatic rollback files the remediation report.
func (d *Driver) finish(ctx context.Context, ro ledger.Rollout, st State) {
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
func (d *Driver) remediate(ctx context.Context, ro ledger.Rollout, st State) (string, error) {
	if d.tracker == nil {
		return "", nil
	}
	failed, err := d.store.GetRelease(ctx, ro.Service, st.Canary.ID)
	if err != nil {
		return "", err
	}
	rem := notify.Remediation{Service: ro.Service, RolloutID: ro.ID, At: d.now(), Reason: Why(st.Status), Failed: failed}
	if st.Stable != nil {
		if restored, err := d.store.GetRelease(ctx, ro.Service, st.Stable.ID); err == nil {
			rem.Restored = restored
			diff := release.Compare(restored, failed, release.Options{GitLog: d.gitLog})
			rem.Diff = &diff
		}
	}
	rem.Verdicts = FailingVerdicts(st.Status)
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
		rem.Decisions = ds
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

// FailingVerdicts returns the verdicts of the newest decision that had a
// non-passing verdict (the round that caused the rollback).
func FailingVerdicts(s rollout.Status) []analysis.Verdict {
	for i := len(s.Decisions) - 1; i >= 0; i-- {
		for _, v := range s.Decisions[i].Verdicts {
			if v.Outcome != analysis.Pass {
				return s.Decisions[i].Verdicts
			}
		}
	}
	return lastVerdicts(s)
}

// Why explains a rollout's state in one line: for a rollout that rolled
// back, the reason of the decision that started the rollback (not the final
// "all traffic on stable" message); otherwise the latest decision's reason.
func Why(s rollout.Status) string {
	for _, d := range s.Decisions {
		if d.Phase == rollout.RollingBack || d.Action == "rollback" {
			return d.Reason
		}
	}
	return s.Message
}
