package target

import (
	"context"
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/notify"
)

// runner opens the local runtime and the project's notifiers and returns a
// runner that prints each decision as it is made (deploy, rollback). The
// returned close drains the notifiers.
func (l *local) runner(ctx context.Context, store ledger.Store, proj *deploy.Project) (*deploy.Runner, func(), error) {
	t, err := deploy.OpenTarget(ctx, l.o.Kind, proj.Dir)
	if err != nil {
		return nil, nil, err
	}
	notifier, tracker, err := deploy.Notifiers(proj, store, l.o.Logger)
	if err != nil {
		return nil, nil, err
	}
	closeFn := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		notify.Close(cctx, notifier)
	}
	out := l.o.Progress
	endpoint := endpointNote(ctx, t, proj.Config.Service)
	runner := &deploy.Runner{Store: store, Target: t, Project: proj, Logger: l.o.Logger, Notifier: notifier, Tracker: tracker,
		OnDecision: func(d ledger.Decision) {
			fmt.Fprintf(out, "  %s\n", deploy.FormatDecision(d))
			if note := endpoint(); note != "" {
				fmt.Fprintf(out, "  %s\n", note)
			}
		}}
	return runner, closeFn, nil
}

// endpointNote returns a function that, once the target serves service
// at an address, says where (once): the analysis steps measure the
// requests sent there, so a newcomer must know it.
func endpointNote(ctx context.Context, t deploy.Target, service string) func() string {
	said := false
	return func() string {
		if said {
			return ""
		}
		seen, err := t.Observe(ctx, service)
		if err != nil || seen.Endpoint == "" {
			return ""
		}
		said = true
		return fmt.Sprintf("service %s at %s — the analysis measures the requests sent there", service, seen.Endpoint)
	}
}
