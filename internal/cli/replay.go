package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

func newReplayCommand(streams Streams) *cobra.Command {
	var ledgerFlag, output string
	cmd := &cobra.Command{
		Use:   "replay ROLLOUT",
		Short: "Feed a rollout's recorded observations back through the engine and compare every decision",
		Long: `Every time the driver asks the rollout engine what to do, it records the
time and the observations it decided from, in the same ledger transaction as
the decisions. replay feeds them back through rollout.Next from the status the
rollout started with and compares each decision (phase, action, reason,
time, evidence) with the recorded one. Exit 0 when identical, 1 otherwise.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError("rollout %q: expected a rollout number (see pinwheel history)", args[0])
			}
			ctx := cmd.Context()
			store, err := ledgerdb.Open(ctx, deploy.LedgerPath(ledgerFlag, "."), ledger.ReadOnly())
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := driver.Replay(ctx, store, id)
			if errors.Is(err, ledger.ErrNotFound) {
				return usageError("rollout %d is not in the ledger (see pinwheel history)", id)
			}
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(res); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(streams.Out, "rollout %d: %d inputs replayed, %d decisions recorded, %d replayed, ends %s\n",
					res.RolloutID, res.Inputs, res.Recorded, res.Replayed, res.Final)
				for _, m := range res.Mismatches {
					fmt.Fprintf(streams.Out, "  ✗ %s\n", m)
				}
				if res.Identical() {
					fmt.Fprintln(streams.Out, "identical: every decision reproduced")
				}
			}
			if !res.Identical() {
				return &ExitError{Code: ExitNo}
			}
			return nil
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
