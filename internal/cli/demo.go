package cli

import (
	"log/slog"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/demo"
	"pinwheel.dev/pinwheel/internal/version"
)

func newDemoCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var (
		o      demo.Options
		output string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole path on the embedded local runtime: a bad release rolls back, a fixed one promotes",
		Long: `demo copies examples/shop into a scratch directory and, with a load generator
running through pinwheel's proxy: builds v1 into an OCI layout and deploys it;
builds v2, whose configuration injects ~8% server errors, and watches its
canary fail the error-rate SLO and roll back on its own; prints the "what
changed" report and where the remediation report went; then builds v3 (the
fix), which promotes through every step. Everything runs in this process:
real python3 replicas, the real proxy, a real SQLite ledger.

Exit 0 only if v2 was rolled back and v3 promoted. State lives in --dir (a
temporary directory by default) and is removed unless --keep.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			o.Out, o.Logger, o.Builder = progressWriter(streams, output), logger, version.Get().Version
			res, err := demo.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if output == "json" {
				if err := writeJSONIf(streams.Out, output, res); err != nil {
					return err
				}
			} else {
				demo.WriteSummary(streams.Out, res)
			}
			if !res.OK {
				return &ExitError{Code: ExitNo, Err: demo.ErrUnexpected}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Example, "example", "examples/shop", "the shop example to copy")
	cmd.Flags().StringVar(&o.Dir, "dir", "", "directory for all state (default: a new temporary directory)")
	cmd.Flags().BoolVar(&o.Keep, "keep", false, "keep the state directory")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json (progress goes to stderr)")
	return cmd
}
