package deploy

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Runner starts and drives rollouts of one project on one target.
type Runner struct {
	Store   ledger.Store
	Target  Target
	Project *Project
	Logger  *slog.Logger
	// Notifier and Tracker default to what the project's notify section says.
	Notifier notify.Notifier
	Tracker  notify.IssueTracker
	// OnDecision is called with each decision as it is recorded.
	OnDecision func(ledger.Decision)
	// Clock and Sleep are injected in tests; default real time.
	Clock func() time.Time
}

// StartOptions tune one rollout.
type StartOptions struct {
	// Replicas of the stable release (default: pinwheel.yaml's
	// runtime.replicas, then 2).
	Replicas int
	// FastRollback forces the spec's fastRollback (pinwheel rollback).
	FastRollback bool
	// ReadinessPath is probed before a replica gets traffic (default:
	// pinwheel.yaml's runtime.readinessPath, then DefaultReadinessPath).
	ReadinessPath string
}

// Start records a rollout of rel. On a service's first release there is no
// stable release to compare with, so compare checks are left out of its
// analysis steps (Notes says so).
func (r *Runner) Start(ctx context.Context, rel ledger.Release, o StartOptions) (ledger.Rollout, []string, error) {
	spec := r.Project.Spec
	var notes []string
	if _, err := r.Store.GetRelease(ctx, rel.Service, "current"); errors.Is(err, ledger.ErrNotFound) {
		var dropped []string
		spec, dropped = withoutCompareChecks(spec)
		if len(dropped) > 0 {
			notes = append(notes, "first release of "+rel.Service+": no stable release to compare with, so compare checks are skipped: "+join(dropped))
		}
	}
	if o.FastRollback {
		spec.FastRollback = true
	}
	replicas, readiness := r.Project.startDefaults(o)
	ro, err := r.driver().Start(ctx, driver.StartRequest{Service: rel.Service, Release: rel, Spec: spec,
		Replicas: replicas, ReadinessPath: readiness, Target: r.Target.Name})
	return ro, notes, err
}

// startDefaults is o's replicas and readiness path, else the runtime:
// section's, else the defaults.
func (p *Project) startDefaults(o StartOptions) (int, string) {
	return cmp.Or(o.Replicas, p.Runtime.Replicas, 2), cmp.Or(o.ReadinessPath, p.Runtime.ReadinessPath, DefaultReadinessPath)
}

// Drive steps the service's active rollout until it ends (or ctx does),
// reporting each new decision as it is persisted, and returns the final
// record.
func (r *Runner) Drive(ctx context.Context, service string) (ledger.Rollout, error) {
	return r.driver().Run(ctx, service)
}

func (r *Runner) driver() *driver.Driver {
	opts := []driver.Option{driver.WithLogger(r.log()), driver.WithSampleStep(SampleStep(r.Project.Spec)),
		driver.WithGitLog(GitLog(r.Project.Dir)), driver.WithMaxWait(250 * time.Millisecond)}
	if r.OnDecision != nil {
		opts = append(opts, driver.WithOnDecision(r.OnDecision))
	}
	if r.Notifier != nil {
		opts = append(opts, driver.WithNotifier(r.Notifier))
	}
	if r.Tracker != nil {
		opts = append(opts, driver.WithTracker(r.Tracker))
	}
	if r.Clock != nil {
		opts = append(opts, driver.WithClock(r.Clock))
	}
	return driver.New(r.Store, r.runtimeTarget(), r.metrics(), opts...)
}

// runtimeTarget is the target with each release's env: and secretEnv:
// values resolved in this process, from the references the ledger keeps
// (EnvResolver), just before the runtime gets them.
func (r *Runner) runtimeTarget() runtime.Target {
	if r.Target.Target == nil {
		return nil
	}
	return WithResolvedEnv(r.Target.Target, NewEnvResolver(r.Project.Dir))
}

// metrics is the provider pinwheel.yaml's runtime.metrics configures, else
// the target's own.
func (r *Runner) metrics() metrics.Provider {
	if r.Project.Metrics != nil {
		return r.Project.Metrics
	}
	return r.Target.Metrics
}

func (r *Runner) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// SampleStep is the metrics resolution for spec: a fifth of the analysis
// interval, between 100ms and the providers' default 5s, so every round
// has several samples to judge.
func SampleStep(spec rollout.Spec) time.Duration { return spec.SampleStep() }

// withoutCompareChecks removes compare checks from spec's analysis steps
// and returns the names removed.
func withoutCompareChecks(spec rollout.Spec) (rollout.Spec, []string) {
	compare := map[string]bool{}
	for _, c := range spec.Checks {
		if c.Kind == analysis.Compare {
			compare[c.Name] = true
		}
	}
	if len(compare) == 0 {
		return spec, nil
	}
	var dropped []string
	steps := make([]rollout.Step, len(spec.Steps))
	for i, s := range spec.Steps {
		steps[i] = s
		if s.Analysis == nil {
			continue
		}
		a := *s.Analysis
		a.Checks = nil
		for _, name := range s.Analysis.Checks {
			if compare[name] {
				if !contains(dropped, name) {
					dropped = append(dropped, name)
				}
				continue
			}
			a.Checks = append(a.Checks, name)
		}
		steps[i].Analysis = &a
	}
	spec.Steps = steps
	return spec, dropped
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
