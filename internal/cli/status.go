package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"pinwheel.dev/pinwheel/internal/target"
)

func newStatusCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output string
		watch              bool
		interval           time.Duration
		decisions          int
		tf                 targetFlags
	)
	cmd := &cobra.Command{
		Use:   "status [SERVICE]",
		Short: "Show a service's live release, its rollout step, weights, SLIs vs thresholds and last decisions",
		Long: `status reads the ledger (default ./.pinwheel/ledger.db) and, when "pinwheel up"
runs for the project, the local runtime: the live release, the active (or
last) rollout with its steps, the canary weight, the latest analysis round's
SLIs against their thresholds, the newest decisions and the last incident.
SERVICE defaults to the service of ./pinwheel.yaml, else the ledger's only
service. --watch redraws every
--interval while stdout is a terminal.

--target kube reads Releases instead: with no argument a table of the
namespace's Releases; with a RELEASE (or a SERVICE: its newest Release) its
image, phase, step, weights, message and newest decisions.`,
		Args: cobra.MaximumNArgs(1),
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		t, err := openTarget(&tf, output, ledgerFlag)
		if err != nil {
			return err
		}
		w, err := t.Status(cmd.Context(), target.StatusRequest{Arg: argOr(args), Decisions: decisions})
		if err != nil {
			return err
		}
		defer w.Close()
		render := func() ([]byte, error) {
			rep, err := w.Render()
			if err != nil {
				return nil, err
			}
			return reportBytes(output, rep)
		}
		if watch && output == "text" && isTerminal(streams.Out) {
			return watchStatus(cmd.Context(), streams, render, interval)
		}
		b, err := render()
		if err != nil {
			return err
		}
		_, err = streams.Out.Write(b)
		return err
	}
	addTargetFlags(cmd.Flags(), &tf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVarP(&watch, "watch", "w", false, "redraw until Ctrl-C (when stdout is a terminal)")
	cmd.Flags().DurationVar(&interval, "interval", time.Second, "redraw interval for --watch")
	cmd.Flags().IntVar(&decisions, "decisions", 8, "how many of the newest decisions to show")
	return cmd
}

func watchStatus(ctx context.Context, streams Streams, render func() ([]byte, error), every time.Duration) error {
	t := time.NewTicker(max(every, 100*time.Millisecond))
	defer t.Stop()
	for {
		b, err := render()
		fmt.Fprint(streams.Out, "\x1b[H\x1b[2J")
		if err != nil {
			fmt.Fprintf(streams.Out, "%v\n", err)
		} else {
			streams.Out.Write(b)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
