package cli

import (
	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/target"
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

// newRolloutCommandCommand builds promote / abort: each sends one
// rollout.Command to the driver of the service's active rollout.
func newRolloutCommandCommand(streams Streams, kind rollout.CommandKind, use, short, long string) *cobra.Command {
	var (
		ledgerFlag, reason, output string
		tf                         targetFlags
	)
	cmd := &cobra.Command{
		Use: use, Short: short, Long: long + `

--target kube [RELEASE|SERVICE] sets the command annotation (pinwheel.dev/command,
a fresh id) on the Release named, else on the running Release of the service
(default: the service of ./pinwheel.yaml); the controller takes it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := openTarget(&tf, output, ledgerFlag)
			if err != nil {
				return err
			}
			rep, err := t.Command(cmd.Context(), target.CommandRequest{Arg: argOr(args), Kind: kind, Reason: reason})
			if err != nil {
				return err
			}
			return printReport(streams, output, rep)
		},
	}
	addTargetFlags(cmd.Flags(), &tf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVar(&reason, "reason", "", "why (recorded with the decision)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
