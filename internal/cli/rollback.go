package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/driver"
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func newRollbackCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var (
		ledgerFlag, to, output string
		kf                     kubeFlags
	)
	cmd := &cobra.Command{
		Use:   "rollback [SERVICE] [--to RELEASE]",
		Short: "Go back to the last known-good release (or --to RELEASE) on the fast path",
		Long: `rollback puts a known-good release back in service.

While a rollout is in progress it queues a rollback command for its driver:
all traffic returns to the stable release at the next step.

Otherwise it rolls out the newest known-good release other than the live one
(or --to RELEASE) with fastRollback forced on: a release that already passed
analysis skips analysis steps and timed pauses, and only weights, readiness
and smoke tests are waited for. It is run from the project directory (the
pinwheel.yaml next to .pinwheel/) against the runtime pinwheel up hosts.
Exit 0 once the release serves all traffic, 1 if that failed.

--target kube [RELEASE|SERVICE] asks the running Release (named, else the
service's) to roll back, through its command annotation. Going back to an
earlier release between rollouts is not done on kube: deploy its image
again (exit 2 says so).`,
		Args: cobra.MaximumNArgs(1),
	}
	fromLedger := withServiceLedger(&ledgerFlag, &output, ledger.Existing(), func(ctx context.Context, sl serviceLedger) error {
		store, service, path := sl.store, sl.service, sl.path
		if ro, err := store.ActiveRollout(ctx, service); err == nil {
			if to != "" {
				return usageError("rollout #%d of %s is in progress: rollback returns to its stable release %s; --to applies only between rollouts", ro.ID, service, orNone(ro.FromRelease))
			}
			body, _ := json.Marshal(rollout.Command{Kind: rollout.CommandRollback, By: os.Getenv("USER")})
			id, err := driver.Enqueue(ctx, store, service, body)
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "queued rollback for rollout #%d of %s as command %d: its driver sends all traffic to %s at its next step\n",
				ro.ID, service, id, orNone(ro.FromRelease))
			return nil
		} else if !errors.Is(err, ledger.ErrNotFound) {
			return err
		}
		return rollbackBetweenRollouts(ctx, streams, logger, store, filepath.Dir(filepath.Dir(path)), service, to, kf.target, output)
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if kube, err := kf.kube(); err != nil || !kube {
			if err != nil {
				return err
			}
			return fromLedger(cmd, args)
		}
		if to != "" {
			return usageError("--to on --target kube: going back to an earlier release between rollouts is not available on kube; deploy its image again (pinwheel deploy --target kube --image REPO@sha256:…)")
		}
		err := kubeCommand(cmd, streams, &kf, args, rollout.CommandRollback, "", output)
		var none *kubecli.NoActiveError
		if errors.As(err, &none) {
			return usageError("%v: rollback on --target kube only stops a running release; to go back to an earlier one, deploy its image again (pinwheel deploy --target kube --image REPO@sha256:…)", err)
		}
		return err
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVar(&to, "to", "", "release to go back to (ID, sequence number or digest; default: the last known-good)")
	addKubeFlags(cmd.Flags(), &kf)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func rollbackBetweenRollouts(ctx context.Context, streams Streams, logger *slog.Logger, store ledger.Store, dir, service, to, target, output string) error {
	var (
		rel ledger.Release
		err error
	)
	live, liveErr := store.GetRelease(ctx, service, "current")
	if to != "" {
		rel, err = store.GetRelease(ctx, service, to)
		if errors.Is(err, ledger.ErrNotFound) {
			return usageError("no release %q of %s in the ledger (see pinwheel history)", to, service)
		}
	} else {
		rel, err = store.LastKnownGood(ctx, service, live.ID)
		if errors.Is(err, ledger.ErrNotFound) {
			return &ExitError{Code: ExitNo, Err: fmt.Errorf("%s has no known-good release other than the live one to go back to", service)}
		}
	}
	if err != nil {
		return err
	}
	if liveErr == nil && live.ID == rel.ID {
		return &ExitError{Code: ExitNo, Err: fmt.Errorf("%s is already the live release of %s", rel.ID, service)}
	}
	proj, err := deploy.LoadProject(dir)
	if err != nil {
		return err
	}
	if proj.Config.Service != service {
		return usageError("%s is the project of service %q, not %q: run rollback from %s's project directory", dir, proj.Config.Service, service, service)
	}
	runner, closeRunner, err := openRunner(ctx, streams, output, logger, store, proj, target)
	if err != nil {
		return err
	}
	defer closeRunner()
	out := progressWriter(streams, output)
	good := "not known-good: analysis runs"
	if rel.KnownGood {
		good = "known-good: fast path"
	}
	fmt.Fprintf(out, "rolling back %s to %s (%s)\n", service, rel.ID, good)
	ro, _, err := runner.Start(ctx, rel, deploy.StartOptions{FastRollback: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "rollout #%d: %s → %s\n", ro.ID, orNone(ro.FromRelease), rel.ID)
	final, err := runner.Drive(ctx, service)
	if err != nil {
		return err
	}
	return finishDeploy(ctx, streams, store, final, output)
}
