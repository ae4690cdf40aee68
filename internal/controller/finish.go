package controller

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// finish does the terminal bookkeeping once: an automatic rollback files
// the remediation report; then the finalizer goes (nothing is left to roll
// back).
func (r *Reconciler) finish(ctx context.Context, rel *v1alpha1.Release, p plan) (ctrl.Result, error) {
	r.forgetRollout(rel.UID)
	if !p.Finished {
		if p.Status.Phase == rollout.RolledBack && !p.Manual && r.opts.Tracker != nil {
			if loc, err := r.remediate(ctx, rel, p); err != nil {
				r.log.Error("remediation report", "release", rel.Name, "err", err)
				r.rec.Eventf(rel, "Warning", "RemediationFailed", "remediation report not filed: %v", err)
			} else {
				r.rec.Eventf(rel, "Normal", "RemediationFiled", "remediation report filed: %s", loc)
			}
		}
		p.Finished = true
		if err := storePlan(rel, p); err != nil {
			return ctrl.Result{}, err
		}
		if err := r.client.Status().Update(ctx, rel); err != nil {
			return requeueOnConflict(err)
		}
		// Noted, so that a later turn whose cached copy still shows the
		// rollout unfinished reads the API server instead of filing the
		// report again.
		r.noteWrite(rel)
	}
	if controllerutil.RemoveFinalizer(rel, Finalizer) {
		if err := r.client.Update(ctx, rel); err != nil && !apierrors.IsNotFound(err) {
			return requeueOnConflict(err)
		}
		r.noteWrite(rel)
	}
	return ctrl.Result{}, nil
}

// deleted handles a Release being deleted: mid-rollout, its canary is scaled
// to zero and all traffic goes back to stable before the finalizer goes.
func (r *Reconciler) deleted(ctx context.Context, rel *v1alpha1.Release) (ctrl.Result, error) {
	r.forget(rel.UID)
	if !controllerutil.ContainsFinalizer(rel, Finalizer) {
		return ctrl.Result{}, nil
	}
	p, ok, err := loadPlan(rel)
	if err == nil && ok && !p.Status.Phase.IsTerminal() && !p.Promoted {
		p.RolledBack, p.CanaryScale = true, 0
		if err := r.target(rel).Apply(ctx, p.Desired(rel.Spec.Service)); err != nil && !apierrors.IsNotFound(err) {
			r.log.Warn("rollback of deleted release", "release", rel.Name, "err", err)
			return ctrl.Result{}, err
		}
		r.rec.Eventf(rel, "Warning", "DeletedMidRollout", "release deleted at step %d: canary scaled to 0, all traffic on stable %s",
			p.Status.StepIndex, p.Status.StableRelease)
	}
	controllerutil.RemoveFinalizer(rel, Finalizer)
	if err := r.client.Update(ctx, rel); err != nil && !apierrors.IsNotFound(err) {
		return requeueOnConflict(err)
	}
	return ctrl.Result{}, nil
}

// remediate files the evidence of an automatic rollback with the tracker:
// both releases' build metadata and what changed between them, the failing
// verdicts, the canary's log tail and the decision record.
func (r *Reconciler) remediate(ctx context.Context, rel *v1alpha1.Release, p plan) (string, error) {
	failed := changes.Facts{ID: p.Canary.ID, Service: rel.Spec.Service, Info: p.Canary.BuildInfo,
		ImageRef: rel.Spec.Image, State: "rolled-back"}
	rem := notify.Remediation{Service: rel.Spec.Service, At: r.now(), Reason: loop.Why(p.Status), Failed: failed,
		Verdicts: loop.FailingVerdicts(p.Status), Decisions: p.Status.Decisions}
	if p.Stable != nil {
		rem.Restored = changes.Facts{ID: p.Stable.ID, Service: rel.Spec.Service, Info: p.Stable.BuildInfo,
			ImageRef: p.Stable.Artifact.Image, State: "live", KnownGood: true}
		diff := changes.Compare(rem.Restored, failed, changes.Options{})
		rem.Diff = &diff
	}
	if logs, err := r.target(rel).Logs(ctx, rel.Spec.Service, p.Canary.ID, 60); err == nil {
		rem.LogTail = logs
	}
	filed, err := notify.FileRemediation(ctx, r.opts.Tracker, rem)
	if err != nil {
		return "", err
	}
	r.log.Info("remediation filed", "release", rel.Name, "location", filed.Location)
	return filed.Location, nil
}
