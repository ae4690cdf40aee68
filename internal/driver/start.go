package driver

import (
	"context"
	"errors"
	"fmt"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// StartRequest asks for a new rollout of Release.
type StartRequest struct {
	Service string
	// Release is the release to roll out, already in the ledger.
	Release ledger.Release
	Spec    rollout.Spec
	// Replicas is the stable release's replica count (default 2).
	Replicas      int
	ReadinessPath string
	// Target names the runtime in the ledger ("local", "kube").
	Target string
}

// ErrInProgress is returned by Start when the service already has a rollout.
var ErrInProgress = errors.New("a rollout is already in progress")

// Start records a new rollout of req.Release replacing the service's live
// release (if any). The rollout makes progress when Step or Run is called.
func (d *Driver) Start(ctx context.Context, req StartRequest) (ledger.Rollout, error) {
	if req.Replicas <= 0 {
		req.Replicas = 2
	}
	if req.Target == "" {
		req.Target = "local"
	}
	if active, err := d.store.ActiveRollout(ctx, req.Service); err == nil {
		return ledger.Rollout{}, inProgress(req.Service, active)
	} else if !errors.Is(err, ledger.ErrNotFound) {
		return ledger.Rollout{}, err
	}
	canary, err := runtimeRelease(req.Release)
	if err != nil {
		return ledger.Rollout{}, err
	}
	st := loop.State{Spec: req.Spec, Canary: canary, Replicas: req.Replicas, ReadinessPath: req.ReadinessPath, KnownGood: req.Release.KnownGood}
	var from string
	live, err := d.store.GetRelease(ctx, req.Service, "current")
	switch {
	case err == nil && live.ID != req.Release.ID:
		stable, err := runtimeRelease(live)
		if err != nil {
			return ledger.Rollout{}, err
		}
		st.Stable, from = &stable, live.ID
	case err == nil:
		return ledger.Rollout{}, fmt.Errorf("%s is already the live release of %s", live.ID, req.Service)
	case !errors.Is(err, ledger.ErrNotFound):
		return ledger.Rollout{}, err
	}
	st.Status = rollout.NewStatus(from, req.Release.ID)
	st.Initial = st.Status
	raw, err := encodeState(st)
	if err != nil {
		return ledger.Rollout{}, err
	}
	ro, err := d.store.StartRollout(ctx, ledger.Rollout{Service: req.Service, ReleaseID: req.Release.ID, FromRelease: from,
		Target: req.Target, Phase: string(st.Status.Phase), Status: raw})
	if errors.Is(err, ledger.ErrConflict) {
		// Another process (this machine's, or another runner's on a shared
		// ledger) started one since the check above.
		if active, aerr := d.store.ActiveRollout(ctx, req.Service); aerr == nil {
			return ledger.Rollout{}, inProgress(req.Service, active)
		}
		return ledger.Rollout{}, fmt.Errorf("%s: %w (see pinwheel status; abort it or wait)", req.Service, ErrInProgress)
	}
	if err != nil {
		return ro, err
	}
	d.log.Info("rollout started", "service", req.Service, "rollout", ro.ID, "release", req.Release.ID, "stable", from)
	return ro, nil
}

// inProgress says which rollout holds the service.
func inProgress(service string, active ledger.Rollout) error {
	return fmt.Errorf("%s: %w: rollout #%d → %s on %s, started %s (see pinwheel status; abort it or wait)", service, ErrInProgress,
		active.ID, active.ReleaseID, active.Target, active.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
}
