package target

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// local is the Target of the runtime `pinwheel up` hosts: releases and
// rollouts in the SQLite ledger, the rollout driven by this process.
type local struct{ o Options }

var _ Target = (*local)(nil)

func (l *local) Deploy(ctx context.Context, r DeployRequest) (Report, error) {
	n := 0
	for _, set := range []bool{r.Image != "", r.Release != "", r.Source, r.Resume} {
		if set {
			n++
		}
	}
	if n != 1 {
		return Report{}, usage("name exactly one of --image, --release, --source or --resume")
	}
	if r.Replicas < 0 {
		return Report{}, usage("--replicas %d: expected a positive number", r.Replicas)
	}
	if r.ReadinessPath != "" && !strings.HasPrefix(r.ReadinessPath, "/") {
		return Report{}, usage("--readiness-path %q: expected an HTTP path starting with /", r.ReadinessPath)
	}
	if r.Image != "" {
		if _, err := deploy.ParseImage(r.Image); err != nil {
			return Report{}, usage("%v", err)
		}
	}
	proj, err := deploy.LoadProject(r.Dir)
	if err != nil {
		return Report{}, err
	}
	store, err := ledgerdb.Open(ctx, deploy.LedgerPath(l.o.Ledger, r.Dir))
	if err != nil {
		return Report{}, err
	}
	defer store.Close()
	if err := admitLocal(ctx, store, proj, r); err != nil {
		return Report{}, err
	}
	if err := admitGatesLocal(ctx, store, proj, r); err != nil {
		return Report{}, err
	}
	runner, closeRunner, err := l.runner(ctx, store, proj)
	if err != nil {
		return Report{}, err
	}
	defer closeRunner()
	out, service := l.o.Progress, proj.Config.Service
	if !r.Resume {
		rel, err := resolveRelease(ctx, store, proj, r)
		if err != nil {
			return Report{}, err
		}
		fmt.Fprintf(out, "release %s of %s (%s)\n", rel.ID, service, describeArtifact(rel))
		ro, notes, err := runner.Start(ctx, rel, deploy.StartOptions{Replicas: r.Replicas, ReadinessPath: r.ReadinessPath})
		if errors.Is(err, driver.ErrInProgress) {
			return Report{}, no("%v; if it is this runner's, continue it with: pinwheel deploy %s --resume", err, r.Dir)
		}
		if err != nil {
			return Report{}, err
		}
		for _, n := range notes {
			fmt.Fprintf(out, "note: %s\n", n)
		}
		fmt.Fprintf(out, "rollout #%d: %s → %s on %s\n", ro.ID, orNone(ro.FromRelease), rel.ID, runner.Target.Name)
		if !r.Wait {
			fmt.Fprintf(out, "started; drive it with: pinwheel deploy %s --resume\n", r.Dir)
			return Report{JSON: ro}, nil
		}
	} else if ro, err := store.ActiveRollout(ctx, service); err != nil {
		if errors.Is(err, ledger.ErrNotFound) {
			return Report{}, usage("%s has no unfinished rollout to resume", service)
		}
		return Report{}, err
	} else {
		fmt.Fprintf(out, "resuming rollout #%d: %s → %s (%s)\n", ro.ID, orNone(ro.FromRelease), ro.ReleaseID, ro.Phase)
	}
	final, err := runner.Drive(ctx, service)
	if err != nil && ctx.Err() != nil {
		return Report{}, no("interrupted: the rollout stays where it is in the ledger and the runtime; continue it with: pinwheel deploy %s --resume (or pinwheel abort)", r.Dir)
	}
	if err != nil {
		return Report{}, err
	}
	return finished(ctx, store, final)
}

// finished is the report of a rollout that ended: its view (JSON) or its
// outcome and remediation report (text); No unless it was promoted.
func finished(ctx context.Context, store ledger.Store, ro ledger.Rollout) (Report, error) {
	view, err := deploy.ViewRollout(ctx, store, ro, 0)
	if err != nil {
		return Report{}, err
	}
	text := fmt.Sprintf("rollout #%d of %s: %s\n", ro.ID, ro.ReleaseID, ro.Outcome)
	if is, err := store.ListIncidents(ctx, ro.Service, 1); err == nil && len(is) > 0 && is[0].RolloutID == ro.ID {
		text += fmt.Sprintf("remediation report: %s\n", is[0].Location)
	}
	return Report{Text: text, JSON: view, No: ro.Outcome != "promoted"}, nil
}

func resolveRelease(ctx context.Context, store ledger.Store, proj *deploy.Project, r DeployRequest) (ledger.Release, error) {
	switch {
	case r.Image != "":
		a, err := deploy.ParseImage(r.Image)
		if err != nil {
			return ledger.Release{}, usage("%v", err)
		}
		return deploy.RecordRelease(ctx, store, proj, a, nil)
	case r.Source:
		return deploy.RecordRelease(ctx, store, proj, deploy.Artifact{Source: true}, nil)
	}
	rel, err := store.GetRelease(ctx, proj.Config.Service, r.Release)
	if errors.Is(err, ledger.ErrNotFound) {
		return rel, usage("no release %q of %s in the ledger (see pinwheel history)", r.Release, proj.Config.Service)
	}
	return rel, err
}

func describeArtifact(rel ledger.Release) string {
	switch {
	case rel.ImageRef != "":
		return rel.ImageRef
	case rel.Info.Version != "":
		return "version " + rel.Info.Version + " from source"
	}
	return "from source"
}
