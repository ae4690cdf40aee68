package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/ledger"
)

func newHistoryCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output string
		limit              int
		kf                 kubeFlags
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
	}
	fromLedger := withServiceLedger(&ledgerFlag, &output, ledger.ReadOnly(), func(ctx context.Context, sl serviceLedger) error {
		store, service := sl.store, sl.service
		hs, err := deploy.History(ctx, store, service, limit)
		if err != nil {
			return err
		}
		if output == "json" {
			return writeJSONIf(streams.Out, output, hs)
		}
		return deploy.WriteHistory(streams.Out, hs)
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if kube, err := kf.kube(); err != nil || !kube {
			if err != nil {
				return err
			}
			return fromLedger(cmd, args)
		}
		if err := checkTextOrJSON(output); err != nil {
			return err
		}
		return kubeHistory(cmd.Context(), streams, &kf, args, output, limit)
	}
	addKubeFlags(cmd.Flags(), &kf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many rollouts")
	return cmd
}

// kubeHistory is history --target kube: the service's Releases, newest first.
func kubeHistory(ctx context.Context, streams Streams, kf *kubeFlags, args []string, output string, limit int) error {
	service, err := kubeServiceArg(args)
	if err != nil {
		return err
	}
	if service == "" {
		return usageError("name the SERVICE (no pinwheel.yaml here to take it from)")
	}
	cfg, ns, err := kf.resolve()
	if err != nil {
		return err
	}
	c, err := kubecli.NewClient(cfg)
	if err != nil {
		return err
	}
	rels, err := kubecli.ServiceReleases(ctx, c, ns, service)
	if err != nil {
		return err
	}
	if limit > 0 && len(rels) > limit {
		rels = rels[:limit]
	}
	if output == "json" {
		return writeJSONIf(streams.Out, output, rels)
	}
	if len(rels) == 0 {
		fmt.Fprintf(streams.Out, "no releases of %s in namespace %s\n", service, ns)
		return nil
	}
	return kubecli.WriteHistory(streams.Out, rels)
}
