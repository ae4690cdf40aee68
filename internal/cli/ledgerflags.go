package cli

import (
	"encoding/json"
	"io"
)

// Helpers shared by the deploy-side commands (deploy, status, history,
// promote, abort, rollback, recreate, diff of releases, demo).

// addLedgerFlag adds --ledger.
func addLedgerFlag(fl interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	fl.StringVar(p, "ledger", "", "ledger: a SQLite file or a postgres:// URL (default $PINWHEEL_LEDGER, else ledger: in pinwheel.yaml, else DIR/.pinwheel/ledger.db; . for status/history)")
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
