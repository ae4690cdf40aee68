package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/build"
)

func newFetchCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var (
		o      build.Options
		out    string
		format string
	)
	cmd := &cobra.Command{
		Use:   "fetch [DIR] --dest WHEELHOUSE",
		Short: "Download every file the lock of DIR needs for its targets into a wheelhouse, by hash",
		Long: `fetch reads DIR's pinwheel.yaml and lock (DIR default ".") and downloads
every wheel the build installs — for each target platform and the configured
Python — into WHEELHOUSE, each verified by the lock's hash before it is
written (whole: a temporary file in WHEELHOUSE, then a rename). A file
already there with the right hash is kept. Every missing or mismatching file
is reported in one run (exit 2) and then nothing is written.

An air-gapped build is two commands:

    pinwheel fetch --dest wheelhouse --index-url https://pypi.example/simple/
    pinwheel build --find-links wheelhouse`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Dir = args[0]
			}
			if out == "" {
				return usageError("fetch: --dest WHEELHOUSE is required (the directory to download into)")
			}
			if format != "text" && format != "json" {
				return usageError("unknown output format %q (want text or json)", format)
			}
			o.Logger, o.Progress = logger, streams.Err
			res, err := build.Fetch(cmd.Context(), o, out)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if format == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			written := 0
			for _, f := range res.Files {
				state := "present"
				if f.Written {
					state, written = "written", written+1
				}
				fmt.Fprintf(streams.Out, "  %-8s %s  sha256:%s  (%s)\n", state, f.Filename, f.SHA256, f.Source)
			}
			fmt.Fprintf(streams.Out, "%d files in %s (%d written, %d already there); build with --find-links %s\n",
				len(res.Files), res.Dir, written, len(res.Files)-written, res.Dir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "dest", "d", "", "wheelhouse directory to download into (created if missing), as pip download -d")
	f.StringArrayVar(&o.Platforms, "platform", nil, "target platform, e.g. linux/arm64 (repeatable; default: the config's platforms)")
	addWheelSourceFlags(f, &o)
	f.StringVarP(&format, "format", "o", "text", "result format: text or json")
	return cmd
}
