package cli

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/notify"
)

func newNotifyCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Check where pinwheel's notifications go",
	}
	var event string
	test := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Send a test event to every webhook in notify.webhooks and report each answer",
		Long: `Send one test event (rollout.started unless --event says otherwise) to every
webhook configured in DIR/pinwheel.yaml, synchronously and with the same
signing and retries a rollout uses, and print each destination's answer.
Destinations whose events list leaves the event out are skipped. Exit status
is 1 when any delivery failed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			typ := notify.EventType(event)
			if !typ.Known() {
				return usageError("--event %q: want one of %v", event, notify.EventTypes)
			}
			return notifyTest(cmd.Context(), streams, logger, dir, typ)
		},
	}
	test.Flags().StringVar(&event, "event", string(notify.RolloutStarted), "event type to send")
	cmd.AddCommand(test)
	return cmd
}

func notifyTest(ctx context.Context, streams Streams, logger *slog.Logger, dir string, typ notify.EventType) error {
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	sec, err := cfg.NotifySection()
	if err != nil {
		return err
	}
	deps := notify.Deps{Path: cfg.Path, Dir: dir, Logger: logger}
	dests, err := notify.Destinations(sec, deps)
	if err != nil {
		return err
	}
	tracker, err := notify.Tracker(sec, deps)
	if err != nil {
		return err
	}
	ev := notify.WithID(notify.Event{
		Type: typ, Time: time.Now().UTC(), Service: cfg.Service, Phase: "Test",
		Reason:  "test notification sent by `pinwheel notify test`",
		Release: notify.ReleaseRef{ID: cfg.Service + "-test", Build: attest.BuildInfo{Service: cfg.Service, Version: cfg.Version}},
	})
	if len(dests) == 0 {
		fmt.Fprintln(streams.Out, "no webhooks configured (notify.webhooks)")
	}
	failed := 0
	for _, d := range dests {
		name := d.Label + " " + d.Notifier.Name()
		if len(d.Events) > 0 && !slices.Contains(d.Events, typ) {
			fmt.Fprintf(streams.Out, "skipped  %s  (wants %v)\n", name, d.Events)
			continue
		}
		sendCtx, cancel := context.WithTimeout(ctx, time.Minute)
		err := d.Notifier.Notify(sendCtx, ev)
		cancel()
		if err != nil {
			failed++
			fmt.Fprintf(streams.Out, "failed   %s  %s\n", name, strings.TrimPrefix(err.Error(), d.Notifier.Name()+": "))
			continue
		}
		fmt.Fprintf(streams.Out, "sent     %s  %s  delivery %s\n", name, typ, ev.ID)
	}
	fmt.Fprintf(streams.Out, "remediation reports go to: %s\n", trackerLabel(tracker))
	if failed > 0 {
		return &ExitError{Code: ExitNo, Err: fmt.Errorf("%d of %d deliveries failed", failed, len(dests))}
	}
	return nil
}

func trackerLabel(t notify.IssueTracker) string {
	if f, ok := t.(notify.FileTracker); ok {
		return "markdown files in " + f.Dir
	}
	return t.Name() + " (markdown files if it fails)"
}
