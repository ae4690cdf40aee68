package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

func newStatusCommand(streams Streams) *cobra.Command {
	var (
		ledgerFlag, output string
		watch              bool
		interval           time.Duration
		decisions          int
		kf                 kubeFlags
	)
	cmd := &cobra.Command{
		Use:   "status [SERVICE]",
		Short: "Show a service's live release, its rollout step, weights, SLIs vs thresholds and last decisions",
		Long: `status reads the ledger (default ./.pinwheel/ledger.db) and, when "pinwheel up"
runs for the project, the local runtime: the live release, the active (or
last) rollout with its steps, the canary weight, the latest analysis round's
SLIs against their thresholds, the newest decisions and the last incident.
SERVICE defaults to the service of ./pinwheel.yaml, else the ledger's only
service. --watch redraws every
--interval while stdout is a terminal.

--target kube reads Releases instead: with no argument a table of the
namespace's Releases; with a RELEASE (or a SERVICE: its newest Release) its
image, phase, step, weights, message and newest decisions.`,
		Args: cobra.MaximumNArgs(1),
	}
	fromLedger := withServiceLedger(&ledgerFlag, &output, ledger.ReadOnly(), func(ctx context.Context, sl serviceLedger) error {
		store, service, path := sl.store, sl.service, sl.path
		var target *deploy.Target
		if c, err := local.Dial(ctx, filepath.Dir(path)); err == nil {
			target = &deploy.Target{Target: c, Metrics: c, Name: "local"}
		}
		render := func() ([]byte, error) {
			v, err := deploy.LoadStatus(ctx, store, target, service, decisions)
			if err != nil {
				return nil, err
			}
			runs := runsOf(ctx, target, service)
			var buf bytes.Buffer
			if output == "json" {
				err = writeJSONIf(&buf, output, statusJSON{StatusView: v, Runs: runs})
			} else if err = deploy.WriteStatus(&buf, v); err == nil && runs != nil {
				fmt.Fprintf(&buf, "replicas: %s\n", runs.How)
				for _, id := range sortedKeys(runs.Releases) {
					fmt.Fprintf(&buf, "  %s  %s\n", id, runs.Releases[id])
				}
			}
			return buf.Bytes(), err
		}
		if watch && output == "text" && isTerminal(streams.Out) {
			return watchStatus(ctx, streams, render, interval)
		}
		b, err := render()
		if err != nil {
			return &ExitError{Code: ExitNo, Err: err}
		}
		_, err = streams.Out.Write(b)
		return err
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if kube, err := kf.kube(); err != nil || !kube {
			if err != nil {
				return err
			}
			return fromLedger(cmd, args)
		}
		if err := checkTextOrJSON(output); err != nil {
			return err
		}
		render, err := kubeStatusRenderer(cmd.Context(), &kf, args, output, decisions)
		if err != nil {
			return err
		}
		if watch && output == "text" && isTerminal(streams.Out) {
			return watchStatus(cmd.Context(), streams, render, interval)
		}
		b, err := render()
		if err != nil {
			return err
		}
		_, err = streams.Out.Write(b)
		return err
	}
	addKubeFlags(cmd.Flags(), &kf)
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVarP(&watch, "watch", "w", false, "redraw until Ctrl-C (when stdout is a terminal)")
	cmd.Flags().DurationVar(&interval, "interval", time.Second, "redraw interval for --watch")
	cmd.Flags().IntVar(&decisions, "decisions", 8, "how many of the newest decisions to show")
	return cmd
}

func watchStatus(ctx context.Context, streams Streams, render func() ([]byte, error), every time.Duration) error {
	t := time.NewTicker(max(every, 100*time.Millisecond))
	defer t.Stop()
	for {
		b, err := render()
		fmt.Fprint(streams.Out, "\x1b[H\x1b[2J")
		if err != nil {
			fmt.Fprintf(streams.Out, "%v\n", err)
		} else {
			streams.Out.Write(b)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// kubeStatusRenderer renders status --target kube: the namespace's Releases,
// or one Release (args[0] a Release, else a service's newest).
func kubeStatusRenderer(ctx context.Context, kf *kubeFlags, args []string, output string, decisions int) (func() ([]byte, error), error) {
	cfg, ns, err := kf.resolve()
	if err != nil {
		return nil, err
	}
	c, err := kubecli.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	return func() ([]byte, error) {
		var buf bytes.Buffer
		if name == "" {
			rels, err := kubecli.ServiceReleases(ctx, c, ns, "")
			if err != nil {
				return nil, err
			}
			if output == "json" {
				err = writeJSONIf(&buf, output, rels)
			} else if len(rels) == 0 {
				fmt.Fprintf(&buf, "no releases in namespace %s\n", ns)
			} else {
				err = kubecli.WriteTable(&buf, rels, time.Now())
			}
			return buf.Bytes(), err
		}
		rel, err := kubecli.Find(ctx, c, ns, name)
		if err != nil {
			return nil, err
		}
		if output == "json" {
			err = writeJSONIf(&buf, output, rel)
		} else {
			err = kubecli.WriteRelease(&buf, rel, decisions)
		}
		return buf.Bytes(), err
	}, nil
}

// statusJSON is status -o json: the status view and how the local
// runtime runs the replicas.
type statusJSON struct {
	deploy.StatusView
	Runs *replicaModes `json:"replicas,omitempty"`
}

// replicaModes is how the local runtime runs a service's replicas: in
// words, and per release (runtime.ModeContainer or ModeProcess).
type replicaModes struct {
	How      string            `json:"runs"`
	Releases map[string]string `json:"modes,omitempty"`
}

func runsOf(ctx context.Context, t *deploy.Target, service string) *replicaModes {
	if t == nil {
		return nil
	}
	o, err := t.Observe(ctx, service)
	if err != nil || o.Runs == "" {
		return nil
	}
	m := &replicaModes{How: o.Runs, Releases: map[string]string{}}
	for id, r := range o.Releases {
		m.Releases[id] = r.Mode
	}
	return m
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
