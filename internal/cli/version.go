package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/version"
)

func newVersionCommand(streams Streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print pinwheel's version, git commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := version.Get()
			switch output {
			case "json":
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			case "", "text":
				dirty := ""
				if info.Dirty {
					dirty = " (dirty)"
				}
				fmt.Fprintf(streams.Out, "pinwheel %s\ncommit:  %s%s\ngo:      %s\n", info.Version, info.Commit, dirty, info.GoVersion)
				return nil
			default:
				return usageError("unknown output format %q (want text or json)", output)
			}
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
