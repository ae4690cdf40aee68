package deploy

import (
	"context"
	"errors"
	"fmt"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// StatusView is what `pinwheel status` shows for one service.
type StatusView struct {
	Service string          `json:"service"`
	Live    *ledger.Release `json:"live,omitempty"`
	// Rollout is the active rollout, or else the latest one.
	Rollout *RolloutView `json:"rollout,omitempty"`
	// Runtime is what the target reports, when it could be reached.
	Runtime *RuntimeView `json:"runtime,omitempty"`
	// Incident is the newest remediation report.
	Incident *ledger.Incident `json:"incident,omitempty"`
}

// RolloutView is a rollout with its engine status decoded.
type RolloutView struct {
	ledger.Rollout
	Engine rollout.Status `json:"engine"`
	// Steps are the spec's steps in words; Step indexes them.
	Steps []string `json:"steps"`
	// Checks are the verdicts of the newest analysis round.
	Checks []analysis.Verdict `json:"checks,omitempty"`
	// Decisions are the newest decisions, oldest first.
	Decisions []ledger.Decision `json:"decisions,omitempty"`
	Active    bool              `json:"active"`
}

// RuntimeView is the runtime's side: endpoint, weight, replicas ready.
type RuntimeView struct {
	Endpoint     string         `json:"endpoint,omitempty"`
	Stable       string         `json:"stable,omitempty"`
	Canary       string         `json:"canary,omitempty"`
	CanaryWeight int            `json:"canaryWeight"`
	Ready        map[string]int `json:"ready,omitempty"`
	Error        string         `json:"error,omitempty"`
}

// LoadStatus gathers service's status from the ledger (and the target, when
// one is given).
func LoadStatus(ctx context.Context, store ledger.Store, t *Target, service string, decisions int) (StatusView, error) {
	v := StatusView{Service: service}
	if live, err := store.GetRelease(ctx, service, "current"); err == nil {
		v.Live = &live
	} else if !errors.Is(err, ledger.ErrNotFound) {
		return v, err
	}
	ro, err := store.ActiveRollout(ctx, service)
	active := err == nil
	if errors.Is(err, ledger.ErrNotFound) {
		rs, lerr := store.ListRollouts(ctx, service, 1)
		if lerr != nil {
			return v, lerr
		}
		if len(rs) > 0 {
			ro, err = rs[0], nil
		}
	}
	if err == nil {
		rv, err := ViewRollout(ctx, store, ro, decisions)
		if err != nil {
			return v, err
		}
		rv.Active = active
		v.Rollout = &rv
	} else if !errors.Is(err, ledger.ErrNotFound) {
		return v, err
	}
	if v.Live == nil && v.Rollout == nil {
		return v, fmt.Errorf("service %q: %w in the ledger (no releases or rollouts)", service, ledger.ErrNotFound)
	}
	if is, err := store.ListIncidents(ctx, service, 1); err == nil && len(is) > 0 {
		v.Incident = &is[0]
	}
	if t != nil {
		v.Runtime = observe(ctx, *t, service)
	}
	return v, nil
}

// ViewRollout decodes ro's engine status and reads its newest decisions.
func ViewRollout(ctx context.Context, store ledger.Rollouts, ro ledger.Rollout, decisions int) (RolloutView, error) {
	rv := RolloutView{Rollout: ro}
	var (
		spec   rollout.Spec
		status rollout.Status
	)
	if len(ro.Status) > 0 {
		var err error
		if spec, status, err = driver.Persisted(ro); err != nil {
			return rv, err
		}
	}
	rv.Engine = status
	for _, s := range spec.Steps {
		rv.Steps = append(rv.Steps, DescribeStep(s))
	}
	for i := len(status.Decisions) - 1; i >= 0; i-- {
		if vs := status.Decisions[i].Verdicts; len(vs) > 0 {
			rv.Checks = vs
			break
		}
	}
	ds, err := store.Decisions(ctx, ro.ID)
	if err != nil {
		return rv, err
	}
	if decisions > 0 && len(ds) > decisions {
		ds = ds[len(ds)-decisions:]
	}
	rv.Decisions = ds
	return rv, nil
}

func observe(ctx context.Context, t Target, service string) *RuntimeView {
	o, err := t.Observe(ctx, service)
	if err != nil {
		return &RuntimeView{Error: err.Error()}
	}
	rv := &RuntimeView{Endpoint: o.Endpoint, Stable: o.Stable, Canary: o.Canary, CanaryWeight: o.CanaryWeight, Ready: map[string]int{}}
	for id, r := range o.Releases {
		rv.Ready[id] = r.Ready
	}
	return rv
}

// DescribeStep says what a step does in a few words.
func DescribeStep(s rollout.Step) string {
	switch {
	case s.SetWeight != nil:
		return fmt.Sprintf("setWeight %d%%", *s.SetWeight)
	case s.Pause != nil && s.Pause.Duration > 0:
		return fmt.Sprintf("pause %s", s.Pause.Duration)
	case s.Pause != nil:
		return "pause until resumed"
	case s.Analysis != nil:
		return fmt.Sprintf("analysis %v", s.Analysis.Checks)
	case s.Smoke != nil:
		return "smoke test"
	}
	return "?"
}
