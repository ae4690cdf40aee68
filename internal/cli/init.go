package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
)

func newInitCommand(streams Streams) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented pinwheel.yaml filled from what the project holds",
		Long: `init inspects DIR (default ".") for a lockfile, the Python version
(.python-version, then pyproject.toml requires-python) and an entrypoint, and
writes DIR/pinwheel.yaml. It refuses to overwrite an existing file unless
--force is given. The base image digest is left as a placeholder to fill in.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			path, d, err := config.WriteInit(dir, force)
			if errors.Is(err, config.ErrExists) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "wrote %s\n  service:    %s\n  python:     %s (from %s)\n", path, d.Service, d.Python, d.PythonFrom)
			if d.Lockfile != "" {
				fmt.Fprintf(streams.Out, "  lockfile:   %s\n", d.Lockfile)
			} else {
				fmt.Fprintf(streams.Out, "  lockfile:   none found\n")
			}
			fmt.Fprintf(streams.Out, "  entrypoint: %q (from %s)\nnext: set base: to a digest-pinned image, then run `pinwheel build`\n", d.Entrypoint, d.EntryFrom)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing pinwheel.yaml")
	return cmd
}
