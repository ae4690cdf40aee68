package cli

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
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

// openLedger opens the ledger at path; unless create, a missing file is an
// input error rather than a new empty ledger.
func openLedger(ctx context.Context, path string, create bool) (ledger.Store, error) {
	if !create {
		if _, err := os.Stat(path); err != nil {
			return nil, usageError("no ledger at %s (deploy something first, or pass --ledger PATH)", path)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return ledger.Open(ctx, path)
}

// serviceArg is the SERVICE argument, or the service of the pinwheel.yaml
// next to the ledger's .pinwheel directory.
func serviceArg(args []string, ledgerFile string) (string, error) {
	if len(args) > 0 {
		return args[0], nil
	}
	dir := filepath.Dir(filepath.Dir(ledgerFile))
	cfg, err := config.Load(dir)
	if err != nil {
		if inputerr.Is(err) {
			return "", err
		}
		return "", usageError("name the SERVICE (no pinwheel.yaml in %s to take it from)", dir)
	}
	return cfg.Service, nil
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
