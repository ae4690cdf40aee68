package cli

import (
	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/target"
)

func newHistoryCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output string
		limit              int
		tf                 targetFlags
	)
	cmd := &cobra.Command{
		Use:   "history [SERVICE]",
		Short: "List a service's rollouts: release, version, outcome, duration, reason, remediation report",
		Long: `history lists the newest rollouts of SERVICE (default: the service of
./pinwheel.yaml, else the ledger's only service) from the ledger (default ./.pinwheel/ledger.db), newest first,
with where each automatic rollback's remediation report went.

--target kube lists the service's Releases in the namespace instead (-n is
--limit here: give the namespace as --namespace).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := openTarget(&tf, output, ledgerFlag)
			if err != nil {
				return err
			}
			rep, err := t.History(cmd.Context(), target.HistoryRequest{Service: argOr(args), Limit: limit})
			if err != nil {
				return err
			}
			return printReport(streams, output, rep)
		},
	}
	addTargetFlags(cmd.Flags(), &tf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many rollouts")
	return cmd
}
