package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/config"
)

func newBaseCommand(streams Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "base",
		Short: "The Debian base image: resolve and lock its packages",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newBaseLockCommand(streams))
	return cmd
}

func newBaseLockCommand(streams Streams) *cobra.Command {
	var (
		quiet  bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "lock [DIR]",
		Short: "Resolve pinwheel.yaml's base.debian packages into base.lock",
		Long: `lock resolves the packages listed under base.debian in DIR/pinwheel.yaml
(default ".") with their Depends and Pre-Depends closure, from the signed
indexes of a Debian mirror (InRelease verified against the keyring, then
Packages checked against its SHA256) or a local index (an apt lists
directory, or one Packages file), and writes the lock: every package's
version, architecture, file, size and SHA256. Essential packages are left
out unless listed. The lock holds no time: the same indexes and request
always write the same bytes. pinwheel build assembles the base from it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError("unknown output format %q (want text or json)", output)
			}
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			cfg, err := config.Load(dir)
			if err != nil {
				return err
			}
			l, path, err := build.LockBase(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(l)
			}
			var total int64
			for _, p := range l.Packages {
				total += p.Size
			}
			if !quiet {
				tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
				for _, p := range l.Packages {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", p.Name, p.Version, p.Architecture, p.Size)
				}
				tw.Flush()
				for _, s := range l.Skipped {
					fmt.Fprintf(streams.Out, "left out: %s\n", s)
				}
			}
			rel, _ := filepath.Rel(dir, path)
			fmt.Fprintf(streams.Out, "wrote %s: %d packages for %s/%s, %.1f MB of .debs\n", rel, len(l.Packages), l.Suite, l.Architecture, float64(total)/1e6)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the summary line")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, or json (the lock written)")
	return cmd
}
