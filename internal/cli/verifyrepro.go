package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/version"
)

func newVerifyReproducibleCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var (
		o       build.Options
		against string
		output  string
	)
	cmd := &cobra.Command{
		Use:   "verify-reproducible [DIR] --against oci:PATH|REF",
		Short: "Rebuild DIR with the inputs recorded in an image and compare digests",
		Long: `verify-reproducible reads the build-info an image carries (commit, version,
source, timestamp), rebuilds DIR with exactly those inputs and compares the
digests. Exit 0 when they match; exit 1 on a mismatch, naming each layer that
differs and the files inside it (content, mode, owner, mtime, link, added or
missing).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Dir = args[0]
			}
			if against == "" {
				return usageError("--against is required (oci:PATH or a registry reference)")
			}
			if output != "text" && output != "json" {
				return usageError("unknown output format %q (want text or json)", output)
			}
			o.Logger = logger
			o.BuilderVersion = version.Get().Version
			v, err := build.Verify(cmd.Context(), o, against)
			if build.IsUsage(err) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(v); err != nil {
					return err
				}
			} else {
				printVerification(streams, v)
			}
			if !v.Reproducible {
				return &ExitError{Code: ExitNo}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&against, "against", "", "the image to reproduce: oci:PATH[@sha256:…] or REGISTRY/REPO[:TAG|@DIGEST]")
	addWheelSourceFlags(f, &o)
	f.StringVarP(&output, "format", "o", "text", "result format: text or json")
	return cmd
}

func printVerification(streams Streams, v *build.Verification) {
	w := streams.Out
	for _, n := range v.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if v.Reproducible {
		fmt.Fprintf(w, "reproducible: rebuilt %s %s from commit %s\n%s\n", v.Recorded.Service, v.Recorded.Version, orUnknown(v.Recorded.GitCommit), v.Rebuilt)
		return
	}
	fmt.Fprintf(w, "NOT reproducible\n  expected %s\n  rebuilt  %s\n", v.Expected, v.Rebuilt)
	for _, c := range v.Platforms {
		if c.Same {
			continue
		}
		if c.LayerCount != "" {
			fmt.Fprintf(w, "  %s\n", c.LayerCount)
		}
		if len(c.ConfigFields) > 0 {
			fmt.Fprintf(w, "  config fields differ: %v\n", c.ConfigFields)
		}
		for _, l := range c.Layers {
			fmt.Fprintf(w, "  layer %d (%s) differs: %s → %s\n", l.Index, l.CreatedBy, l.Expected, l.Rebuilt)
			for _, f := range l.Files {
				fmt.Fprintf(w, "    %s: %s\n", f.Path, f.Change)
			}
		}
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "(none recorded)"
	}
	return s
}
