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
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/ledger"
)

type deployFlags struct {
	image, release, target, ledger, output string
	readiness                              string
	source, wait, resume                   bool
	replicas                               int
	kube                                   kubeFlags
	buildInfo, controller, deployment      string
	leaseNamespace                         string
}

func newDeployCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var f deployFlags
	cmd := &cobra.Command{
		Use:   "deploy [DIR] --image oci:PATH | --release ID | --source | --resume | --target kube --image REPO@sha256:DIGEST",
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
promoted, 1 when rolled back or aborted, 2 on bad input.

--target kube creates a Release (named <service>-<12 hex of the digest>) of
--image REPO@sha256:DIGEST in the namespace, with pinwheel.yaml's rollout:
section as its strategy and --build-info's metadata, and follows its status,
printing each decision. --controller=auto (default) follows a live
in-cluster controller, else runs one in this process until the Release ends
(in-process: refuse when a live controller holds the lease; none: only
follow). Same exit codes.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if kube, err := f.kube.kube(); err != nil {
				return err
			} else if kube {
				return runKubeDeploy(cmd, streams, logger, dir, f)
			}
			for _, name := range []string{"build-info", "controller", "deployment", "lease-namespace"} {
				if cmd.Flags().Changed(name) {
					return usageError("--%s applies to --target kube only", name)
				}
			}
			return runDeploy(cmd.Context(), streams, logger, dir, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.image, "image", "", "the image to deploy: oci:PATH[@sha256:DIGEST] (from pinwheel build --output oci:PATH); --target kube: REPO@sha256:DIGEST")
	fl.StringVar(&f.release, "release", "", "deploy a release already in the ledger (ID, sequence number or digest)")
	fl.BoolVar(&f.source, "source", false, "run the project from source with the machine's python3 (no image)")
	fl.BoolVar(&f.resume, "resume", false, "continue the service's unfinished rollout")
	addKubeFlags(fl, &f.kube)
	fl.StringVar(&f.buildInfo, "build-info", "", "--target kube: the image's build metadata: the JSON of pinwheel build -o json, a build-info.json, or oci:PATH (the layout pinwheel build wrote)")
	fl.StringVar(&f.controller, "controller", kubecli.ControllerAuto, "--target kube: who drives the Release: auto (a live in-cluster controller, else one in this process), in-process or none")
	fl.StringVar(&f.deployment, "deployment", "", "--target kube: the service's stable Deployment (default: the service name)")
	fl.StringVar(&f.leaseNamespace, "lease-namespace", kubecli.DefaultLeaseNamespace, "--target kube: namespace of the controller's lease ("+kubecli.DefaultLeaseName+")")
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
	f.target = f.kube.target
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
	store, err := ledger.Open(ctx, ledgerPath(f.ledger, dir))
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
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w; continue it with: pinwheel deploy %s --resume", err, dir)}
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
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s has no unfinished rollout to resume", service)}
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

// runKubeDeploy is deploy --target kube: build the Release from the project
// and --image, create it, follow it (internal/kubecli).
func runKubeDeploy(cmd *cobra.Command, streams Streams, logger *slog.Logger, dir string, f deployFlags) error {
	if err := checkTextOrJSON(f.output); err != nil {
		return err
	}
	for _, name := range []string{"release", "source", "resume", "replicas", "readiness-path", "ledger"} {
		if cmd.Flags().Changed(name) {
			return usageError("--%s applies to --target local only; --target kube deploys --image REPO@sha256:DIGEST (replicas and readiness come from the stable Deployment)", name)
		}
	}
	if f.image == "" {
		return usageError("--target kube needs --image REPO@sha256:DIGEST (an image a cluster can pull, pinned by digest)")
	}
	if err := kubecli.CheckControllerMode(f.controller); err != nil {
		return err
	}
	img, err := kubecli.ParseImage(f.image)
	if err != nil {
		return err
	}
	proj, err := deploy.LoadProject(dir)
	if err != nil {
		return err
	}
	opts := kubecli.ReleaseOptions{Image: img, Deployment: f.deployment}
	if f.buildInfo != "" {
		bi, err := kubecli.ReadBuildInfo(f.buildInfo, img)
		if err != nil {
			return err
		}
		opts.BuildInfo = &bi
	}
	cfg, ns, err := f.kube.resolve()
	if err != nil {
		return err
	}
	opts.Namespace = ns
	rel, err := kubecli.BuildRelease(proj, opts)
	if err != nil {
		return err
	}
	var notes []string
	if f.buildInfo == "" {
		notes = append(notes, fmt.Sprintf("no --build-info: the release records only %s's service and version, and the image digest", proj.Config.Path))
	}
	out := progressWriter(streams, f.output)
	final, err := kubecli.Deploy(cmd.Context(), kubecli.DeployOptions{Config: cfg, Namespace: ns, Project: proj, Release: rel, Notes: notes,
		Controller: f.controller, LeaseNamespace: f.leaseNamespace, Wait: f.wait, Out: out, Logger: logger, Funcs: kubecli.DefaultController()})
	if err != nil {
		if cmd.Context().Err() != nil {
			return &ExitError{Code: ExitNo, Err: fmt.Errorf("interrupted: release %s stays in the cluster where it is; see pinwheel status --target kube -n %s %s (an in-process controller stopped with this command)", rel.Name, ns, rel.Name)}
		}
		return err
	}
	if err := writeJSONIf(streams.Out, f.output, final); err != nil {
		return err
	}
	if !f.wait {
		return nil
	}
	if f.output != "json" {
		fmt.Fprintf(streams.Out, "release %s of %s: %s\n", final.Name, final.Spec.Service, kubecli.Outcome(final.Status.Phase))
	}
	if final.Status.Phase != "Promoted" {
		return &ExitError{Code: ExitNo}
	}
	return nil
}
