package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// input is what the engine decided one save from; the driver records it
// with every save so a rollout replays decision for decision.
type input struct {
	Now          time.Time            `json:"now"`
	Observations rollout.Observations `json:"observations"`
}

// ReplayResult compares a rollout's recorded decisions with the decisions
// rollout.Next makes when fed the recorded inputs again.
type ReplayResult struct {
	RolloutID int64 `json:"rolloutId"`
	Inputs    int   `json:"inputs"`
	Recorded  int   `json:"recorded"`
	Replayed  int   `json:"replayed"`
	// Mismatches describe every decision that differs (empty: identical).
	Mismatches []string      `json:"mismatches,omitempty"`
	Final      rollout.Phase `json:"final"`
}

// Identical reports whether the replay reproduced every decision.
func (r ReplayResult) Identical() bool {
	return len(r.Mismatches) == 0 && r.Recorded == r.Replayed
}

// Replay feeds the inputs recorded for rollout id back through rollout.Next,
// from the status the rollout started with, and compares each decision with
// the one in the ledger.
func Replay(ctx context.Context, store ledger.Rollouts, id int64) (ReplayResult, error) {
	res := ReplayResult{RolloutID: id}
	ro, err := store.GetRollout(ctx, id)
	if err != nil {
		return res, err
	}
	st, err := loadState(ro)
	if err != nil {
		return res, err
	}
	inputs, err := store.Inputs(ctx, id)
	if err != nil {
		return res, err
	}
	recorded, err := store.Decisions(ctx, id)
	if err != nil {
		return res, err
	}
	res.Inputs, res.Recorded = len(inputs), len(recorded)
	status := st.Initial
	var replayed []ledger.Decision
	for _, in := range inputs {
		var i input
		if err := json.Unmarshal(in.Body, &i); err != nil {
			return res, fmt.Errorf("rollout %d input %d: %w", id, in.Seq, err)
		}
		next, _ := rollout.Next(st.Spec, status, i.Observations, i.Now)
		replayed = append(replayed, ledgerDecisions(loop.Added(status, next))...)
		status = next
	}
	res.Replayed, res.Final = len(replayed), status.Phase
	for i := 0; i < max(len(recorded), len(replayed)); i++ {
		switch {
		case i >= len(recorded):
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("decision %d: replay decided %q (%s) that was never recorded", i+1, replayed[i].Action, replayed[i].Reason))
		case i >= len(replayed):
			res.Mismatches = append(res.Mismatches, fmt.Sprintf("decision %d: recorded %q (%s) was not reproduced", i+1, recorded[i].Action, recorded[i].Reason))
		default:
			a, b := recorded[i], replayed[i]
			if a.Action != b.Action || a.Reason != b.Reason || a.Phase != b.Phase || a.Step != b.Step || !a.At.Equal(b.At) || !bytes.Equal(a.Evidence, b.Evidence) {
				res.Mismatches = append(res.Mismatches, fmt.Sprintf("decision %d: recorded %s %s/%s %q, replayed %s %s/%s %q", i+1,
					a.At.Format(time.RFC3339Nano), a.Phase, a.Action, a.Reason, b.At.Format(time.RFC3339Nano), b.Phase, b.Action, b.Reason))
			}
		}
	}
	return res, nil
}
