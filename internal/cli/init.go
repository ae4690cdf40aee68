package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

type initFlags struct {
	force, all, dryRun bool
	output             string
}

func newInitCommand(streams Streams) *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented pinwheel.yaml from what the project says, with the evidence",
		Long: `init reads DIR (default ".") the way a platform engineer would — the
Dockerfile, Procfile, pyproject.toml, Pipfile, .python-version, gunicorn
config and the lockfiles — and writes DIR/pinwheel.yaml with the Python
version the project pins, the production command and port, and the lock
production installs from. It prints each finding with the file:line it came
from, and warns where sources disagree.

In a monorepo it finds the services one or two levels down: --all writes one
pinwheel.yaml in each; otherwise it asks which (or, without a terminal, lists
them and exits 2). An existing pinwheel.yaml is kept unless --force is given.
The base image digest is left as a placeholder to fill in.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if f.output != "text" && f.output != "json" {
				return usageError("unknown output %q (want text or json)", f.output)
			}
			return runInit(cmd.Context(), streams, dir, f)
		},
	}
	cmd.Flags().BoolVar(&f.force, "force", false, "overwrite an existing pinwheel.yaml")
	cmd.Flags().BoolVar(&f.all, "all", false, "in a monorepo, write a pinwheel.yaml for every service found")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print what was found and the pinwheel.yaml; write nothing")
	cmd.Flags().StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func runInit(ctx context.Context, streams Streams, dir string, f initFlags) error {
	found, err := projectscan.Discover(ctx, dir)
	if err != nil {
		return err
	}
	interactive := isTerminal(streams.In) && isTerminal(streams.Out)
	dirs, err := pickServices(streams, dir, found, f.all, interactive)
	if err != nil {
		return err
	}
	var svcs []*projectscan.Service
	var exists []string
	for _, d := range dirs {
		svc, err := projectscan.ScanService(ctx, dir, d)
		if err != nil {
			return err
		}
		svcs = append(svcs, svc)
		yaml := config.Render(starterOf(svc))
		if f.output == "text" {
			if err := projectscan.WriteReport(streams.Out, svc); err != nil {
				return err
			}
		}
		if f.dryRun {
			if f.output == "text" {
				fmt.Fprintf(streams.Out, "--- %s\n%s", filepath.Join(dir, d, config.FileName), yaml)
			}
			continue
		}
		path, err := config.WriteInit(filepath.Join(dir, d), starterOf(svc), f.force)
		if errors.Is(err, config.ErrExists) {
			exists = append(exists, path)
			continue
		}
		if err != nil {
			return err
		}
		if f.output == "text" {
			fmt.Fprintf(streams.Out, "wrote %s\n", path)
		}
	}
	if f.output == "json" {
		b, _ := json.MarshalIndent(struct {
			Services []*projectscan.Service `json:"services"`
		}{svcs}, "", "  ")
		fmt.Fprintf(streams.Out, "%s\n", b)
	}
	if len(exists) > 0 {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s already exists (use --force to overwrite)", strings.Join(exists, ", "))}
	}
	if f.output == "text" && !f.dryRun {
		fmt.Fprintf(streams.Out, "next: set base: to a digest-pinned image, then run `pinwheel build`\n")
	}
	return nil
}

// pickServices settles which service directories to initialise: the one
// found, all of them with --all, or the one the user picks; without a
// terminal several services are an input error listing them.
func pickServices(streams Streams, dir string, found *projectscan.Services, all, interactive bool) ([]string, error) {
	switch {
	case len(found.Found) == 0:
		return []string{"."}, nil // no manifest at all: init the directory as given
	case len(found.Found) == 1:
		return []string{found.Found[0].Dir}, nil
	case all:
		out := make([]string, len(found.Found))
		for i, s := range found.Found {
			out[i] = s.Dir
		}
		return out, nil
	}
	var list strings.Builder
	projectscan.WriteServices(&list, found)
	if !interactive {
		fmt.Fprint(streams.Err, list.String())
		return nil, usageError("%d services found under %s: run `pinwheel init DIR` with one of them, or `pinwheel init --all`", len(found.Found), dir)
	}
	fmt.Fprint(streams.Out, list.String())
	fmt.Fprintf(streams.Out, "which one? (1-%d, or all): ", len(found.Found))
	answer, _ := bufio.NewReader(streams.In).ReadString('\n')
	answer = strings.TrimSpace(answer)
	if answer == "all" {
		return pickServices(streams, dir, found, true, true)
	}
	n, err := strconv.Atoi(answer)
	if err != nil || n < 1 || n > len(found.Found) {
		return nil, usageError("no service %q: want a number from 1 to %d, or all", answer, len(found.Found))
	}
	return []string{found.Found[n-1].Dir}, nil
}
