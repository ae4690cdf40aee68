package driver

import (
	"context"
	"log/slog"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Driver carries out rollouts of services on one runtime target.
type Driver struct {
	store    ledger.Store
	target   runtime.Target
	metrics  metrics.Provider
	notifier notify.Notifier
	tracker  notify.IssueTracker
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	log      *slog.Logger
	step     time.Duration // metrics sample resolution
	gitLog   func(oldCommit, newCommit string) ([]string, error)
	onDec    func(ledger.Decision)
	maxWait  time.Duration

	// results of the last actions, fed to the next turn.
	results loop.Results[int64]
}

// Option configures a Driver.
type Option func(*Driver)

// WithNotifier sends rollout events to n (wrap it in notify.Async so a slow
// receiver never holds the rollout up).
func WithNotifier(n notify.Notifier) Option { return func(d *Driver) { d.notifier = n } }

// WithTracker files remediation reports on automatic rollback with t.
func WithTracker(t notify.IssueTracker) Option { return func(d *Driver) { d.tracker = t } }

// WithClock injects the clock (tests, replays).
func WithClock(now func() time.Time) Option { return func(d *Driver) { d.now = now } }

// WithSleep injects how the loop waits between steps.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(d *Driver) { d.sleep = sleep }
}

// WithLogger sets the structured logger.
func WithLogger(l *slog.Logger) Option { return func(d *Driver) { d.log = l } }

// WithSampleStep sets the metrics resolution used for analysis queries.
func WithSampleStep(step time.Duration) Option { return func(d *Driver) { d.step = step } }

// WithGitLog lets "what changed" reports list commits between releases.
func WithGitLog(f func(oldCommit, newCommit string) ([]string, error)) Option {
	return func(d *Driver) { d.gitLog = f }
}

// WithOnDecision calls f with every decision once it is persisted, in order
// (progress displays).
func WithOnDecision(f func(ledger.Decision)) Option { return func(d *Driver) { d.onDec = f } }

// WithMaxWait bounds how long Run sleeps between steps (default MaxWait).
func WithMaxWait(w time.Duration) Option { return func(d *Driver) { d.maxWait = w } }

// New returns a driver over store, target and metrics provider.
func New(store ledger.Store, target runtime.Target, provider metrics.Provider, opts ...Option) *Driver {
	d := &Driver{store: store, target: target, metrics: provider, now: time.Now, sleep: sleepCtx,
		log: slog.New(slog.DiscardHandler), maxWait: MaxWait}
	for _, o := range opts {
		o(d)
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
