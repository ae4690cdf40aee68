package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/scorecard"
)

func newScorecardCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output, since, until, dir string
		alert                                 bool
	)
	cmd := &cobra.Command{
		Use:   "scorecard [SERVICE]",
		Short: "Delivery metrics per service for a period against the one before: DORA's four, rollbacks, pipeline times, cache hits",
		Long: `scorecard reads the ledger (default ./.pinwheel/ledger.db) and prints, per
service and overall, for the period --since before --until (default the last
30 days) beside the period of the same length before it: deployments and
their frequency, change lead time (commit → promoted), change fail rate,
failed deployment recovery time, rollbacks, failed deploys per month,
builds, median and p90 pipeline, build and rollout times, and the hit rates
of the wheel, .deb and layer caches. docs/scorecard.md defines each number.

--alert checks the numbers against the alerts: section of pinwheel.yaml
(--dir) and sends each breach as a scorecard.alert event through the
webhooks of its notify: section.

Exit 0: no breach (or no --alert); 1: --alert found breaches and they were
sent; 2: bad input (flags, pinwheel.yaml, no ledger) or a breach could not
be delivered.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			now := time.Now().UTC()
			length, err := scorecard.ParseSpan(since)
			if err != nil {
				return usageError("--since %v", err)
			}
			end, err := scorecard.ParseTime(until, now)
			if err != nil {
				return usageError("--until %v", err)
			}
			var rules config.Alerts
			var dests []notify.Destination
			cfgPath := ""
			if alert {
				if rules, dests, cfgPath, err = loadAlerts(dir); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			store, err := ledgerdb.Open(ctx, deploy.LedgerPath(ledgerFlag, dir), ledger.ReadOnly())
			if err != nil {
				return err
			}
			defer store.Close()
			recs, err := scorecard.Load(ctx, store, argOr(args))
			if err != nil {
				return err
			}
			rep := scorecard.Compute(recs, scorecard.Period{Since: end.Add(-length), Until: end})
			breaches := scorecard.Check(rep, rules, cfgPath)
			if output == "json" {
				err = writeJSONIf(streams.Out, output, struct {
					scorecard.Report
					Breaches []scorecard.Breach `json:"breaches,omitempty"`
				}{rep, breaches})
			} else {
				err = scorecard.WriteText(streams.Out, rep)
				for _, b := range breaches {
					fmt.Fprintf(streams.Out, "ALERT %s\n", b.Message)
				}
			}
			if err != nil || len(breaches) == 0 {
				return err
			}
			var failed []error
			for _, ev := range scorecard.Events(breaches, now) {
				for _, d := range dests {
					if err := notify.Only(d.Notifier, d.Events...).Notify(ctx, ev); err != nil {
						failed = append(failed, fmt.Errorf("%s: %w", d.Label, err))
					}
				}
			}
			if len(failed) > 0 {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s, not all delivered: %w", count(len(breaches), "alert"), errors.Join(failed...))}
			}
			return &ExitError{Code: ExitNo, Err: fmt.Errorf("%s sent to %s", count(len(breaches), "alert"), count(len(dests), "webhook"))}
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVar(&since, "since", "30d", "length of the period (30d, 2w, 36h)")
	cmd.Flags().StringVar(&until, "until", "now", "end of the period (2026-12-01, RFC 3339, now)")
	cmd.Flags().StringVar(&dir, "dir", ".", "project directory (pinwheel.yaml for --alert; .pinwheel/ledger.db)")
	cmd.Flags().BoolVar(&alert, "alert", false, "check pinwheel.yaml's alerts: and send breaches through notify: webhooks (exit 1)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// loadAlerts reads the alerts: and notify: sections of dir's pinwheel.yaml
// and builds its webhooks.
func loadAlerts(dir string) (config.Alerts, []notify.Destination, string, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return config.Alerts{}, nil, "", err
	}
	rules, err := cfg.AlertsSection()
	if err != nil {
		return rules, nil, "", err
	}
	if len(rules.Rules) == 0 {
		return rules, nil, "", usageError("--alert: %s has no alerts: section (docs/scorecard.md)", cfg.Path)
	}
	sec, err := cfg.NotifySection()
	if err != nil {
		return rules, nil, "", err
	}
	dests, err := notify.Destinations(sec, notify.Deps{Path: cfg.Path, Dir: dir, LookupEnv: os.LookupEnv})
	return rules, dests, cfg.Path, err
}

// count is "1 alert", "2 alerts".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
