package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/drift"
	"pinwheel.dev/pinwheel/internal/target"
)

func newDriftCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output string
		noBases            bool
		tf                 targetFlags
	)
	cmd := &cobra.Command{
		Use:   "drift [SERVICE]",
		Short: "Compare what runs with what pinwheel recorded: hand edits, stray releases and images, moved bases",
		Long: `drift compares the live state with the record (docs/drift.md).

--target kube (the namespace of -n or the context): every Deployment pinwheel
wrote — a pod template edited since (kubectl edit, set, patch), a replica
count changed since (kubectl scale), and images no Release in the namespace
produced running in its template or pods.

--target local (default): the runtime of pinwheel up beside the ledger
(./.pinwheel/ledger.db or --ledger) — releases running that the ledger has
neither live nor in a rollout, a stable release other than the live one, a
canary weight with no rollout — and the base image of every live release:
its reference (the tag of a registry base, an OCI layout, a tarball) asked
again; a base that now names another digest has moved (--no-bases skips it).

Exit 0: no drift; 1: drift found; 2: bad input (flags, no ledger, no
cluster).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := tf.kube(); err != nil {
				return err
			}
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			rep, err := target.Drift(cmd.Context(), target.Options{Kind: tf.target, Ledger: ledgerFlag,
				Kubeconfig: tf.kubeconfig, Context: tf.context, Namespace: tf.namespace}, target.DriftRequest{Service: argOr(args), Bases: !noBases})
			if err != nil {
				return err
			}
			if output == "json" {
				err = drift.WriteJSON(streams.Out, rep)
			} else {
				err = drift.WriteText(streams.Out, rep)
			}
			if err != nil {
				return err
			}
			if len(rep.Findings) > 0 {
				return &ExitError{Code: ExitNo, Err: fmt.Errorf("drift: %d findings", len(rep.Findings))}
			}
			return nil
		},
	}
	addTargetFlags(cmd.Flags(), &tf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().BoolVar(&noBases, "no-bases", false, "do not look the live releases' base images up again (local)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
