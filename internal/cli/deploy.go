package cli

import (
	"log/slog"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/target"
)

type deployFlags struct {
	req            target.DeployRequest
	ledger, output string
	target         targetFlags
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
follow). Same exit codes.

With policy: {requireGates: true} in pinwheel.yaml, deploy first refuses
(exit 1) an image whose gates failed or never ran: the newest result
pinwheel gate recorded for its digest in the ledger (--ledger; --target kube
reads it there too, before the Release is created). See docs/gates.md.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.req.Dir = "."
			if len(args) == 1 {
				f.req.Dir = args[0]
			}
			kube, err := f.target.kube()
			if err != nil {
				return err
			}
			if !kube {
				if err := refuseFlags(cmd.Flags(), "applies to --target kube only", "build-info", "controller", "deployment", "lease-namespace"); err != nil {
					return err
				}
			}
			if err := checkTextOrJSON(f.output); err != nil {
				return err
			}
			if kube {
				if err := refuseFlags(cmd.Flags(), "applies to --target local only; --target kube deploys --image REPO@sha256:DIGEST (replicas and readiness come from the stable Deployment)",
					"release", "source", "resume", "replicas", "readiness-path"); err != nil {
					return err
				}
			}
			t, err := f.target.open(f.ledger, logger, progressWriter(streams, f.output))
			if err != nil {
				return err
			}
			rep, err := t.Deploy(cmd.Context(), f.req)
			if err != nil {
				return err
			}
			return printReport(streams, f.output, rep)
		},
	}
	fl, r := cmd.Flags(), &f.req
	fl.StringVar(&r.Image, "image", "", "the image to deploy: oci:PATH[@sha256:DIGEST] (from pinwheel build --output oci:PATH); --target kube: REPO@sha256:DIGEST")
	fl.StringVar(&r.Release, "release", "", "deploy a release already in the ledger (ID, sequence number or digest)")
	fl.BoolVar(&r.Source, "source", false, "run the project from source with the machine's python3 (no image)")
	fl.BoolVar(&r.Resume, "resume", false, "continue the service's unfinished rollout")
	addTargetFlags(fl, &f.target)
	fl.StringVar(&r.BuildInfo, "build-info", "", "--target kube: the image's build metadata: the JSON of pinwheel build -o json, a build-info.json, or oci:PATH (the layout pinwheel build wrote)")
	fl.StringVar(&r.Controller, "controller", target.ControllerAuto, "--target kube: who drives the Release: auto (a live in-cluster controller, else one in this process), in-process or none")
	fl.StringVar(&r.Deployment, "deployment", "", "--target kube: the service's stable Deployment (default: the service name)")
	fl.StringVar(&r.LeaseNamespace, "lease-namespace", target.DefaultLeaseNamespace, "--target kube: namespace of the controller's lease ("+target.DefaultLeaseName+")")
	fl.BoolVar(&r.Wait, "wait", true, "drive the rollout until it is promoted or rolled back (--wait=false: record and start it only)")
	fl.IntVar(&r.Replicas, "replicas", 0, "replicas of the stable release (default: pinwheel.yaml runtime.replicas, else 2)")
	fl.StringVar(&r.ReadinessPath, "readiness-path", "", "HTTP path a replica must answer 2xx on before it gets traffic (default: pinwheel.yaml runtime.readinessPath, else "+deploy.DefaultReadinessPath+")")
	addLedgerFlag(fl, &f.ledger)
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}
