package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/notify"
)

// openRunner opens the runtime target and the project's notifiers and
// returns a runner that prints each decision as it is made (deploy,
// rollback). The returned close drains the notifiers.
func openRunner(ctx context.Context, streams Streams, output string, logger *slog.Logger, store ledger.Store,
	proj *deploy.Project, target string) (*deploy.Runner, func(), error) {
	t, err := deploy.OpenTarget(ctx, target, proj.Dir)
	if err != nil {
		return nil, nil, err
	}
	notifier, tracker, err := deploy.Notifiers(proj, store, logger)
	if err != nil {
		return nil, nil, err
	}
	closeFn := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		notify.Close(cctx, notifier)
	}
	out := progressWriter(streams, output)
	runner := &deploy.Runner{Store: store, Target: t, Project: proj, Logger: logger, Notifier: notifier, Tracker: tracker,
		OnDecision: func(d ledger.Decision) { fmt.Fprintf(out, "  %s\n", deploy.FormatDecision(d)) }}
	return runner, closeFn, nil
}
