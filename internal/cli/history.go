package cli

import (
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
./pinwheel.yaml) from the ledger (default ./.pinwheel/ledger.db), newest first,
with where each automatic rollback's remediation report went.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			path := ledgerPath(ledgerFlag, ".")
			service, err := serviceArg(cmd.Context(), args, path)
			if err != nil {
				return err
			}
			store, err := openLedger(cmd.Context(), path, false)
			if err != nil {
				return err
			}
			defer store.Close()
			hs, err := deploy.History(cmd.Context(), store, service, limit)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONIf(streams.Out, output, hs)
			}
			return deploy.WriteHistory(streams.Out, hs)
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "how many rollouts")
	return cmd
}
