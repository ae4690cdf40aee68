package gate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// Record keeps rep in the ledger under its image digest.
func Record(ctx context.Context, store ledger.GateRuns, rep Report) error {
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = store.RecordGateRun(ctx, ledger.GateRun{ImageDigest: rep.ImageDigest, Service: rep.Service, At: rep.At, Passed: rep.Passed, Report: body})
	return err
}

// Latest is the newest report recorded for digest; ledger.ErrNotFound when
// gates never ran for it.
func Latest(ctx context.Context, store ledger.GateRuns, digest string) (Report, error) {
	var rep Report
	run, err := store.LatestGateRun(ctx, digest)
	if err != nil {
		return rep, err
	}
	if err := json.Unmarshal(run.Report, &rep); err != nil {
		return rep, fmt.Errorf("ledger: gate run %d of %s: %w", run.ID, digest, err)
	}
	return rep, nil
}

// RefusedError says why an image may not be deployed under
// policy.requireGates.
type RefusedError struct {
	Digest string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("policy.requireGates: image %s %s", e.Digest, e.Reason)
}

// Admit says whether the image with digest may be deployed when the
// project requires its gates: the newest gate run recorded for it must
// have passed every gate pinwheel.yaml declares now (a gate added since
// never ran). A refusal is a *RefusedError.
func Admit(ctx context.Context, store ledger.GateRuns, digest string, gates config.Gates) error {
	rep, err := Latest(ctx, store, digest)
	if errors.Is(err, ledger.ErrNotFound) {
		return &RefusedError{Digest: digest, Reason: "has no gate results: its gates never ran (run: pinwheel gate IMAGE)"}
	}
	if err != nil {
		return err
	}
	byName := map[string]Result{}
	for _, r := range rep.Gates {
		byName[r.Name] = r
	}
	var failed, never []string
	for _, g := range gates {
		r, ok := byName[g.Name]
		switch {
		case !ok:
			never = append(never, g.Name)
		case !r.Passed:
			failed = append(failed, fmt.Sprintf("%s (%s)", g.Name, r.Reason))
		}
	}
	switch {
	case len(failed) > 0:
		return &RefusedError{Digest: digest, Reason: fmt.Sprintf("failed its gates at %s: %s", rep.At.Format("2006-01-02T15:04:05Z"), strings.Join(failed, "; "))}
	case len(never) > 0:
		return &RefusedError{Digest: digest, Reason: fmt.Sprintf("has no result for gate %s (added since its gates ran at %s; run: pinwheel gate IMAGE)", strings.Join(never, ", "), rep.At.Format("2006-01-02T15:04:05Z"))}
	case len(gates) == 0:
		return &RefusedError{Digest: digest, Reason: "cannot pass: pinwheel.yaml requires gates but declares none"}
	}
	return nil
}
