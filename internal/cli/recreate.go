package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

func newRecreateCommand(streams Streams) *cobra.Command {
	var ledgerFlag, output, service string
	cmd := &cobra.Command{
		Use:   "recreate RELEASE",
		Short: "Print the exact commands that recreate a release's environment",
		Long: `recreate prints, as a shell script, how to rebuild and redeploy RELEASE from
what the ledger recorded: the git checkout of its commit, the lock hash the
checkout must have, the pinwheel build invocation, the image digest the
rebuild must reproduce (checked with verify-reproducible) and the deploy
command. Inputs the ledger lacks are named at the top.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			path := deploy.LedgerPath(ledgerFlag, ".")
			store, err := ledgerdb.Open(cmd.Context(), path, ledger.ReadOnly())
			if err != nil {
				return err
			}
			defer store.Close()
			rel, err := store.GetRelease(cmd.Context(), service, args[0])
			if errors.Is(err, ledger.ErrNotFound) {
				return usageError("no release %q in %s (see pinwheel history)", args[0], ledgerdb.Display(path))
			}
			if err != nil {
				return err
			}
			r := deploy.Recreate(rel)
			if output == "json" {
				return writeJSONIf(streams.Out, output, r)
			}
			return deploy.WriteRecipe(streams.Out, r)
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVar(&service, "service", "", "service, for RELEASE given as a sequence number or current/previous")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text (shell script) or json")
	return cmd
}
