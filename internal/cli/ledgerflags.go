package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// Helpers shared by the deploy-side commands (deploy, status, history,
// promote, abort, rollback, recreate, diff of releases, demo).

// addLedgerFlag adds --ledger.
func addLedgerFlag(fl interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	fl.StringVar(p, "ledger", "", "ledger database (default DIR/.pinwheel/ledger.db; . for status/history)")
}

// ledgerPath is --ledger or the project's .pinwheel/ledger.db.
func ledgerPath(flag, dir string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(dir, ".pinwheel", "ledger.db")
}

// serviceLedger is what the read-and-queue commands (status, history,
// promote, abort, rollback) start from: the open ledger, its path and the
// service they act on.
type serviceLedger struct {
	store   ledger.Store
	path    string
	service string
}

// withServiceLedger is the RunE of a command acting on one service's ledger:
// it checks --output, finds the ledger (--ledger or ./.pinwheel/ledger.db)
// and SERVICE (see serviceArg), opens the ledger in mode (ledger.ReadOnly for
// the commands that only read, ledger.Existing for those that queue
// commands; it is never created), runs fn and closes it.
func withServiceLedger(ledgerFlag, output *string, mode ledger.Option, fn func(ctx context.Context, sl serviceLedger) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := checkTextOrJSON(*output); err != nil {
			return err
		}
		ctx := cmd.Context()
		path := ledgerPath(*ledgerFlag, ".")
		service, err := serviceArg(ctx, args, path)
		if err != nil {
			return err
		}
		store, err := ledger.Open(ctx, path, mode)
		if err != nil {
			return err
		}
		defer store.Close()
		return fn(ctx, serviceLedger{store: store, path: path, service: service})
	}
}

// serviceArg is the SERVICE argument, else the service of the pinwheel.yaml
// next to the ledger's .pinwheel directory, else the only service the ledger
// records.
func serviceArg(ctx context.Context, args []string, ledgerFile string) (string, error) {
	if len(args) > 0 {
		return args[0], nil
	}
	dir := filepath.Dir(filepath.Dir(ledgerFile))
	cfg, err := config.Load(dir)
	switch {
	case err == nil:
		return cfg.Service, nil
	case errors.Is(err, os.ErrNotExist):
		return onlyServiceIn(ctx, ledgerFile, dir)
	default:
		return "", err
	}
}

// onlyServiceIn is the one service the ledger at ledgerFile records, or a
// usage error saying why SERVICE must be named.
func onlyServiceIn(ctx context.Context, ledgerFile, dir string) (string, error) {
	if _, err := os.Stat(ledgerFile); err != nil {
		return "", usageError("name the SERVICE (no pinwheel.yaml in %s to take it from, no ledger at %s)", dir, ledgerFile)
	}
	store, err := ledger.Open(ctx, ledgerFile, ledger.ReadOnly())
	if err != nil {
		return "", err
	}
	defer store.Close()
	services, err := store.Services(ctx)
	if err != nil {
		return "", err
	}
	switch len(services) {
	case 1:
		return services[0], nil
	case 0:
		return "", usageError("name the SERVICE (no pinwheel.yaml in %s, and the ledger %s records no service yet)", dir, ledgerFile)
	default:
		return "", usageError("name the SERVICE: the ledger %s records %s (no pinwheel.yaml in %s to choose)", ledgerFile, strings.Join(services, ", "), dir)
	}
}

func checkTextOrJSON(output string) error {
	if output != "text" && output != "json" {
		return usageError("unknown output format %q (want text or json)", output)
	}
	return nil
}

// progressWriter is where progress lines go: stdout for text, stderr when
// stdout carries JSON.
func progressWriter(streams Streams, output string) io.Writer {
	if output == "json" {
		return streams.Err
	}
	return streams.Out
}

func writeJSONIf(w io.Writer, output string, v any) error {
	if output != "json" {
		return nil
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
