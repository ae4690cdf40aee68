package cli

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/check"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/version"
)

type checkFlags struct {
	output    string
	failOn    string
	manifests []string
}

func newCheckCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var flags checkFlags
	cmd := &cobra.Command{
		Use:   "check [PATH] [-f MANIFESTS|-]...",
		Short: "Report determinism and guardrail findings for a Python project and its Kubernetes manifests",
		Long: `check reads a Python project directory (lockfile, pyproject.toml or Pipfile,
requirements files, .python-version, Dockerfiles, entrypoint scripts,
.dockerignore) and reports what makes its builds non-deterministic or unsafe.
PATH is the project directory (default ".") or its lockfile, for a directory
that holds more than one. -f/--manifests DIR|FILE|- adds the Kubernetes
manifest rules (PW408, PW5xx) over YAML files or a stream on stdin
(kustomize build, helm template); beside a directory that is no Python
project only the manifest rules run.

Exit status: 0 when no unsuppressed finding reaches --fail-on, 1 when one does,
2 on usage or input errors. Silence a finding with a comment on its line or the
line above: # pinwheel:ignore PW301 reason: <why>`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			threshold, err := check.ParseSeverity(flags.failOn)
			if err != nil {
				return usageError("--fail-on: %v", err)
			}
			if flags.output != "text" && flags.output != "json" && flags.output != "sarif" {
				return usageError("unknown output format %q (want text, json or sarif)", flags.output)
			}
			opts := []check.Option{check.WithLogger(logger)}
			stdin := false
			for _, m := range flags.manifests {
				if m == "-" {
					if stdin {
						return usageError("--manifests: - (stdin) given twice")
					}
					stdin = true
					opts = append(opts, check.WithManifestStream(streams.In))
					continue
				}
				if _, err := os.Stat(m); err != nil {
					return usageError("--manifests: %s: no such file or directory", m)
				}
				opts = append(opts, check.WithManifests(m))
			}
			info, err := os.Stat(dir)
			switch {
			case err != nil:
				return usageError("check: %s: no such project directory or lockfile", dir)
			case !info.IsDir():
				if _, ok := lock.FormatOf(dir); !ok {
					return usageError("check: %s is neither a directory nor a lockfile", dir)
				}
				opts = append(opts, check.WithLockfile(dir))
				dir = filepath.Dir(dir)
			}
			rep, err := check.Run(cmd.Context(), dir, opts...)
			if err != nil {
				return err
			}
			switch flags.output {
			case "json":
				err = check.WriteJSON(streams.Out, rep)
			case "sarif":
				err = check.WriteSARIF(streams.Out, rep, check.SARIFOptions{ToolVersion: version.Get().Version})
			default:
				err = check.WriteText(streams.Out, rep)
			}
			if err != nil {
				return err
			}
			if rep.Fails(threshold) {
				return &ExitError{Code: ExitNo, Err: fmt.Errorf("check: findings at or above %s", threshold)}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&flags.output, "output", "o", "text", "output format: text, json or sarif")
	cmd.Flags().StringArrayVarP(&flags.manifests, "manifests", "f", nil, "Kubernetes manifests to check: a directory, a YAML file, or - for a stream on stdin (repeatable)")
	cmd.Flags().StringVar(&flags.failOn, "fail-on", "high", "exit 1 when a finding reaches this severity: info, low, medium, high or critical")
	return cmd
}
