package target

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	localrt "pinwheel.dev/pinwheel/internal/runtime/local"
)

// Status reads the ledger and, when `pinwheel up` runs beside it, the
// local runtime. A service the ledger does not know is No.
func (l *local) Status(ctx context.Context, r StatusRequest) (*Watch, error) {
	sl, err := l.openService(ctx, r.Arg, ledger.ReadOnly())
	if err != nil {
		return nil, err
	}
	var rt *deploy.Target
	if c, err := localrt.Dial(ctx, sl.stateDir); err == nil {
		rt = &deploy.Target{Target: c, Metrics: c, Name: "local"}
	}
	render := func() (Report, error) {
		v, err := deploy.LoadStatus(ctx, sl.store, rt, sl.service, r.Decisions)
		if err != nil {
			return Report{}, &No{Err: err}
		}
		runs := runsOf(ctx, rt, sl.service)
		var buf bytes.Buffer
		if err := deploy.WriteStatus(&buf, v); err != nil {
			return Report{}, &No{Err: err}
		}
		if runs != nil {
			fmt.Fprintf(&buf, "replicas: %s\n", runs.How)
			for _, id := range sortedKeys(runs.Releases) {
				fmt.Fprintf(&buf, "  %s  %s\n", id, runs.Releases[id])
			}
		}
		return Report{Text: buf.String(), JSON: statusJSON{StatusView: v, Runs: runs}}, nil
	}
	return &Watch{Render: render, Close: sl.store.Close}, nil
}

// statusJSON is status -o json: the status view and how the local
// runtime runs the replicas.
type statusJSON struct {
	deploy.StatusView
	Runs *replicaModes `json:"replicas,omitempty"`
}

// replicaModes is how the local runtime runs a service's replicas: in
// words, and per release (runtime.ModeContainer or ModeProcess).
type replicaModes struct {
	How      string            `json:"runs"`
	Releases map[string]string `json:"modes,omitempty"`
}

func runsOf(ctx context.Context, t *deploy.Target, service string) *replicaModes {
	if t == nil {
		return nil
	}
	o, err := t.Observe(ctx, service)
	if err != nil || o.Runs == "" {
		return nil
	}
	m := &replicaModes{How: o.Runs, Releases: map[string]string{}}
	for id, r := range o.Releases {
		m.Releases[id] = r.Mode
	}
	return m
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// History lists the service's newest rollouts from the ledger.
func (l *local) History(ctx context.Context, r HistoryRequest) (Report, error) {
	sl, err := l.openService(ctx, r.Service, ledger.ReadOnly())
	if err != nil {
		return Report{}, err
	}
	defer sl.store.Close()
	hs, err := deploy.History(ctx, sl.store, sl.service, r.Limit)
	if err != nil {
		return Report{}, err
	}
	var buf bytes.Buffer
	if err := deploy.WriteHistory(&buf, hs); err != nil {
		return Report{}, err
	}
	return Report{Text: buf.String(), JSON: hs}, nil
}
