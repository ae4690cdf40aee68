package cli

import (
	"context"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
)

func newHistoryCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output string
		limit              int
	)
	cmd := &cobra.Command{
		Use:   "history [SERVICE]",
		Short: "List a service's rollouts: release, version, outcome, duration, reason, remediation report",
		Long: `history lists the newest rollouts of SERVICE (default: the service of
./pinwheel.yaml, else the ledger's only service) from the ledger (default ./.pinwheel/ledger.db), newest first,
with where each automatic rollback's remediation report went.`,
		Args: cobra.MaximumNArgs(1),
		RunE: withServiceLedger(&ledgerFlag, &output, func(ctx context.Context, sl serviceLedger) error {
			store, service := sl.store, sl.service
			hs, err := deploy.History(ctx, store, service, limit)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONIf(streams.Out, output, hs)
			}
			return deploy.WriteHistory(streams.Out, hs)
		}),
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "how many rollouts")
	return cmd
}
