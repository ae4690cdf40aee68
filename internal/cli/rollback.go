package cli

import (
	"log/slog"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/target"
)

func newRollbackCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var (
		ledgerFlag, to, output string
		tf                     targetFlags
	)
	cmd := &cobra.Command{
		Use:   "rollback [SERVICE] [--to RELEASE]",
		Short: "Go back to the last known-good release (or --to RELEASE) on the fast path",
		Long: `rollback puts a known-good release back in service.

While a rollout is in progress it queues a rollback command for its driver:
all traffic returns to the stable release at the next step.

Otherwise it rolls out the newest known-good release other than the live one
(or --to RELEASE) with fastRollback forced on: a release that already passed
analysis skips analysis steps and timed pauses, and only weights, readiness
and smoke tests are waited for. It is run from the project directory (the
pinwheel.yaml next to .pinwheel/) against the runtime pinwheel up hosts.
Exit 0 once the release serves all traffic, 1 if that failed.

--target kube [RELEASE|SERVICE] asks the running Release (named, else the
service's) to roll back, through its command annotation. Going back to an
earlier release between rollouts is not done on kube: deploy its image
again (exit 2 says so).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := tf.kube(); err != nil {
				return err
			}
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			t, err := tf.open(ledgerFlag, logger, progressWriter(streams, output))
			if err != nil {
				return err
			}
			rep, err := t.Rollback(cmd.Context(), target.RollbackRequest{Arg: argOr(args), To: to})
			if err != nil {
				return err
			}
			return printReport(streams, output, rep)
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVar(&to, "to", "", "release to go back to (ID, sequence number or digest; default: the last known-good)")
	addTargetFlags(cmd.Flags(), &tf)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
