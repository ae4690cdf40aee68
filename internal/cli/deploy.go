package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/ledger"
)

type deployFlags struct {
	image, release, target, ledger, output string
	readiness                              string
	source, wait, resume                   bool
	replicas                               int
}

func newDeployCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var f deployFlags
	cmd := &cobra.Command{
		Use:   "deploy [DIR] --image oci:PATH | --release ID | --source | --resume",
		Short: "Roll a release of the service in DIR out in guarded steps; exit 1 if it is rolled back",
		Long: `deploy records a release of the service in DIR (default ".") in the ledger and
rolls it out on the runtime target through the steps of pinwheel.yaml's
rollout: section — traffic weights, SLI analysis, smoke tests, pauses — then
promotes it or rolls it back to the live release on its own.

The release is an image built by pinwheel build (--image oci:PATH[@sha256:…]),
a release already in the ledger (--release ID, e.g. shop-3), or the project
run from source (--source). --resume continues the service's unfinished
rollout (after a crash or Ctrl-C) exactly where its ledger record stands.

The local target is the runtime "pinwheel up DIR" hosts; this command drives
the rollout itself and, with --wait (the default), until it ends. Exit 0 when
promoted, 1 when rolled back or aborted, 2 on bad input.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runDeploy(cmd.Context(), streams, logger, dir, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.image, "image", "", "the image to deploy: oci:PATH[@sha256:DIGEST] (from pinwheel build --output oci:PATH)")
	fl.StringVar(&f.release, "release", "", "deploy a release already in the ledger (ID, sequence number or digest)")
	fl.BoolVar(&f.source, "source", false, "run the project from source with the machine's python3 (no image)")
	fl.BoolVar(&f.resume, "resume", false, "continue the service's unfinished rollout")
	fl.StringVar(&f.target, "target", "local", "runtime target: local (the runtime of pinwheel up)")
	fl.BoolVar(&f.wait, "wait", true, "drive the rollout until it is promoted or rolled back (--wait=false: record and start it only)")
	fl.IntVar(&f.replicas, "replicas", 0, "replicas of the stable release (default: pinwheel.yaml runtime.replicas, else 2)")
	fl.StringVar(&f.readiness, "readiness-path", "", "HTTP path a replica must answer 2xx on before it gets traffic (default: pinwheel.yaml runtime.readinessPath, else "+deploy.DefaultReadinessPath+")")
	addLedgerFlag(fl, &f.ledger)
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func runDeploy(ctx context.Context, streams Streams, logger *slog.Logger, dir string, f deployFlags) error {
	if err := checkTextOrJSON(f.output); err != nil {
		return err
	}
	n := 0
	for _, set := range []bool{f.image != "", f.release != "", f.source, f.resume} {
		if set {
			n++
		}
	}
	if n != 1 {
		return usageError("name exactly one of --image, --release, --source or --resume")
	}
	if err := deploy.CheckTarget(f.target); err != nil {
		return err
	}
	if f.replicas < 0 {
		return usageError("--replicas %d: expected a positive number", f.replicas)
	}
	if f.readiness != "" && !strings.HasPrefix(f.readiness, "/") {
		return usageError("--readiness-path %q: expected an HTTP path starting with /", f.readiness)
	}
	if f.image != "" {
		if _, err := deploy.ParseImage(f.image); err != nil {
			return usageError("%v", err)
		}
	}
	proj, err := deploy.LoadProject(dir)
	if err != nil {
		return err
	}
	store, err := openLedger(ctx, ledgerPath(f.ledger, dir), true)
	if err != nil {
		return err
	}
	defer store.Close()
	runner, closeRunner, err := openRunner(ctx, streams, f.output, logger, store, proj, f.target)
	if err != nil {
		return err
	}
	defer closeRunner()
	out := progressWriter(streams, f.output)
	service := proj.Config.Service
	if !f.resume {
		rel, err := resolveRelease(ctx, store, proj, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "release %s of %s (%s)\n", rel.ID, service, describeArtifact(rel))
		ro, notes, err := runner.Start(ctx, rel, deploy.StartOptions{Replicas: f.replicas, ReadinessPath: f.readiness})
		if errors.Is(err, driver.ErrInProgress) {
			return &ExitError{Code: ExitNo, Err: fmt.Errorf("%w; continue it with: pinwheel deploy %s --resume", err, dir)}
		}
		if err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintf(out, "note: %s\n", n)
		}
		fmt.Fprintf(out, "rollout #%d: %s → %s on %s\n", ro.ID, orNone(ro.FromRelease), rel.ID, runner.Target.Name)
		if !f.wait {
			fmt.Fprintf(out, "started; drive it with: pinwheel deploy %s --resume\n", dir)
			return writeJSONIf(streams.Out, f.output, ro)
		}
	} else if ro, err := store.ActiveRollout(ctx, service); err != nil {
		if errors.Is(err, ledger.ErrNotFound) {
			return &ExitError{Code: ExitNo, Err: fmt.Errorf("%s has no unfinished rollout to resume", service)}
		}
		return err
	} else {
		fmt.Fprintf(out, "resuming rollout #%d: %s → %s (%s)\n", ro.ID, orNone(ro.FromRelease), ro.ReleaseID, ro.Phase)
	}
	final, err := runner.Drive(ctx, service)
	if err != nil && ctx.Err() != nil {
		return &ExitError{Code: ExitNo, Err: fmt.Errorf("interrupted: the rollout stays where it is in the ledger and the runtime; continue it with: pinwheel deploy %s --resume (or pinwheel abort)", dir)}
	}
	if err != nil {
		return err
	}
	return finishDeploy(ctx, streams, store, final, f.output)
}

// finishDeploy prints the outcome and turns it into the exit code.
func finishDeploy(ctx context.Context, streams Streams, store ledger.Store, ro ledger.Rollout, output string) error {
	if output == "json" {
		view, err := deploy.ViewRollout(ctx, store, ro, 0)
		if err != nil {
			return err
		}
		if err := writeJSONIf(streams.Out, output, view); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(streams.Out, "rollout #%d of %s: %s\n", ro.ID, ro.ReleaseID, ro.Outcome)
		if is, err := store.ListIncidents(ctx, ro.Service, 1); err == nil && len(is) > 0 && is[0].RolloutID == ro.ID {
			fmt.Fprintf(streams.Out, "remediation report: %s\n", is[0].Location)
		}
	}
	if ro.Outcome != "promoted" {
		return &ExitError{Code: ExitNo}
	}
	return nil
}

func resolveRelease(ctx context.Context, store ledger.Store, proj *deploy.Project, f deployFlags) (ledger.Release, error) {
	switch {
	case f.image != "":
		a, err := deploy.ParseImage(f.image)
		if err != nil {
			return ledger.Release{}, usageError("%v", err)
		}
		return deploy.RecordRelease(ctx, store, proj, a, nil)
	case f.source:
		return deploy.RecordRelease(ctx, store, proj, deploy.Artifact{Source: true}, nil)
	}
	rel, err := store.GetRelease(ctx, proj.Config.Service, f.release)
	if errors.Is(err, ledger.ErrNotFound) {
		return rel, usageError("no release %q of %s in the ledger (see pinwheel history)", f.release, proj.Config.Service)
	}
	return rel, err
}

func describeArtifact(rel ledger.Release) string {
	switch {
	case rel.ImageRef != "":
		return rel.ImageRef
	case rel.Info.Version != "":
		return "version " + rel.Info.Version + " from source"
	}
	return "from source"
}
