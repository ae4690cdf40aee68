package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/gate"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

func newGateCommand(streams Streams) *cobra.Command {
	var (
		r                       gate.Request
		dir, ledgerPath, output string
		vulns                   string
		noRecord                bool
	)
	cmd := &cobra.Command{
		Use:   "gate IMAGE [DIR]",
		Short: "Evaluate pinwheel.yaml's policy gates over a built image; exit 1 if one fails",
		Long: `gate evaluates the gates: of DIR's pinwheel.yaml (default ".") over IMAGE — oci:DIR[@sha256:…]
or tar:FILE, as pinwheel build --output wrote it. An expr: gate is a CEL
expression over what is known about the build: build, lock, sbom, base,
findings, vulns, tests and provenance (docs/gates.md). A run: gate runs its
command inside the image under runc (no network unless the gate says
network: true), at most its timeout; its result is also tests["NAME"] for
the expressions.

The result is recorded in the ledger under the image's digest (deploy reads
it when pinwheel.yaml's policy.requireGates is true) and written as an
in-toto statement (predicate https://pinwheel.dev/gate-results/v1) beside
the image. Exit 0 when every gate passed, 1 when one failed, 2 on bad input
(an expression that does not compile is reported at its line in
pinwheel.yaml).`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Image, dir = args[0], "."
			if len(args) == 2 {
				dir = args[1]
			}
			err := checkTextOrJSON(output)
			if err != nil {
				return err
			}
			if r.Config, err = config.Load(dir); err != nil {
				return err
			}
			if vulns != "" {
				if r.Vulns, err = gate.ReadVulns(vulns); err != nil {
					return err
				}
			}
			if r.CacheDir == "" {
				if r.CacheDir, err = container.DefaultCacheDir(); err != nil {
					return err
				}
			}
			if !cmd.Flags().Changed("statement") {
				r.Statement = gate.StatementPath(r.Image)
			}
			if !noRecord {
				where := deploy.LedgerPath(ledgerPath, dir)
				store, err := ledgerdb.Open(cmd.Context(), where)
				if err != nil {
					return fmt.Errorf("ledger %s: %w", ledgerdb.Display(where), err)
				}
				defer store.Close()
				r.Store = store
			}
			rep, err := gate.Evaluate(cmd.Context(), r)
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				err = enc.Encode(rep)
			} else {
				err = gate.WriteText(streams.Out, rep)
			}
			if err == nil && !rep.Passed {
				return &ExitError{Code: ExitNo}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&ledgerPath, "ledger", "", "ledger to record the result in: a SQLite file or postgres:// URL (default $PINWHEEL_LEDGER, pinwheel.yaml's ledger:, else DIR/.pinwheel/ledger.db)")
	f.BoolVar(&noRecord, "no-record", false, "do not record the result in the ledger")
	f.StringVar(&vulns, "vulns", "", "the image's vulnerabilities for the vulns variable: the JSON of pinwheel scan -o json, or a JSON list of {id, package, version, severity, aliases, fixed}")
	f.StringVar(&r.Statement, "statement", "", "where to write the in-toto statement of the results (default: beside IMAGE, PATH.gates.intoto.json; empty: none)")
	f.StringVar(&r.CacheDir, "cache-dir", "", "where unpacked root filesystems are kept (default: the user cache dir/pinwheel/rootfs)")
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
