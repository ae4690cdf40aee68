package cli

import (
	"context"

	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func newPromoteCommand(streams Streams) *cobra.Command {
	return newRolloutCommandCommand(streams, rollout.CommandPromote, "promote [SERVICE]",
		"Promote a service's canary now, skipping the remaining steps",
		`promote queues a promote command in the ledger for SERVICE's active rollout
(default: the service of ./pinwheel.yaml, else the ledger's only service). The driver — the pinwheel deploy
process carrying out the rollout — takes it at its next step (within about a
second) and skips the remaining steps; a failing analysis result that arrives
with it still wins. A manually promoted release is not marked known-good.`)
}

// newRolloutCommandCommand builds promote / abort / resume: each queues one
// rollout.Command for the driver of the service's active rollout.
func newRolloutCommandCommand(streams Streams, kind rollout.CommandKind, use, short, long string) *cobra.Command {
	var (
		ledgerFlag, reason, output string
		kf                         kubeFlags
	)
	cmd := &cobra.Command{
		Use: use, Short: short, Long: long + `

--target kube [RELEASE|SERVICE] sets the command annotation (pinwheel.dev/command,
a fresh id) on the Release named, else on the running Release of the service
(default: the service of ./pinwheel.yaml); the controller takes it.`,
		Args: cobra.MaximumNArgs(1),
	}
	fromLedger := withServiceLedger(&ledgerFlag, &output, ledger.Existing(), func(ctx context.Context, sl serviceLedger) error {
		store, service := sl.store, sl.service
		ro, err := store.ActiveRollout(ctx, service)
		if errors.Is(err, ledger.ErrNotFound) {
			return &ExitError{Code: ExitNo, Err: fmt.Errorf("%s has no rollout in progress", service)}
		}
		if err != nil {
			return err
		}
		c := rollout.Command{Kind: kind, By: os.Getenv("USER"), Reason: reason}
		if kind == rollout.CommandResume {
			var p struct {
				Status rollout.Status `json:"status"`
			}
			_ = json.Unmarshal(ro.Status, &p)
			c.Step = p.Status.StepIndex
		}
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		id, err := driver.Enqueue(ctx, store, service, body)
		if err != nil {
			return err
		}
		if output == "json" {
			return writeJSONIf(streams.Out, output, map[string]any{"command": id, "rollout": ro.ID, "kind": kind})
		}
		fmt.Fprintf(streams.Out, "queued %s for rollout #%d of %s (%s → %s, %s) as command %d;\n", kind, ro.ID, service,
			orNone(ro.FromRelease), ro.ReleaseID, ro.Phase, id)
		fmt.Fprintf(streams.Out, "the pinwheel deploy process driving it takes it at its next step (see pinwheel status)\n")
		return nil
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if kube, err := kf.kube(); err != nil || !kube {
			if err != nil {
				return err
			}
			return fromLedger(cmd, args)
		}
		return kubeCommand(cmd, streams, &kf, args, kind, reason, output)
	}
	addKubeFlags(cmd.Flags(), &kf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVar(&reason, "reason", "", "why (recorded with the decision)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
