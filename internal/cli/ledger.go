package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

const ledgerLong = `The ledger is where pinwheel keeps builds, releases, rollouts with every
decision, notifications and incidents. It is --ledger, else $PINWHEEL_LEDGER,
else the ledger: key of ./pinwheel.yaml, else ./.pinwheel/ledger.db: a SQLite
file, or a postgres://USER@HOST/DB?sslmode=verify-full URL shared by every
runner (password from the URL, a passfile, or the file named by
PINWHEEL_LEDGER_PASSWORD_FILE; it is never printed).`

func newLedgerCommand(streams Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Move the ledger between stores, back it up, migrate it",
		Long:  ledgerLong,
	}
	cmd.AddCommand(newLedgerExportCommand(streams), newLedgerImportCommand(streams), newLedgerMigrateCommand(streams))
	return cmd
}

func newLedgerExportCommand(streams Streams) *cobra.Command {
	var ledgerFlag, file string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every record of the ledger as JSON lines (stdout, or --file)",
		Long: ledgerLong + `

export reads the ledger (never migrating it) in one consistent snapshot and
writes a header line and one line per row: {"table":"releases","row":{…}}.
pinwheel ledger import reads it into another, empty ledger.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := ledgerdb.Open(ctx, deploy.LedgerPath(ledgerFlag, "."), ledger.ReadOnly())
			if err != nil {
				return err
			}
			defer store.Close()
			if file == "" || file == "-" {
				return store.Export(ctx, streams.Out)
			}
			pending, err := renameio.NewPendingFile(file, renameio.WithPermissions(0o600))
			if err != nil {
				return err
			}
			defer pending.Cleanup()
			if err := store.Export(ctx, pending); err != nil {
				return err
			}
			return pending.CloseAtomicallyReplace()
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&file, "file", "f", "", "write the export to FILE (atomically, mode 0600) instead of stdout")
	return cmd
}

func newLedgerImportCommand(streams Streams) *cobra.Command {
	var ledgerFlag string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Read an export (FILE, or - for stdin) into an empty ledger",
		Long: ledgerLong + `

import creates (or migrates) the ledger, refuses one that already holds
records, and writes every row of the export in one transaction, keeping every
id: the history reads back equal. A bad line is reported as FILE:LINE and
nothing is written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = streams.In
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return &inputerr.Error{Path: args[0], Msg: "ledger export", Err: err}
				}
				defer f.Close()
				in = f
			}
			ctx := cmd.Context()
			where := deploy.LedgerPath(ledgerFlag, ".")
			store, err := ledgerdb.Open(ctx, where)
			if err != nil {
				return err
			}
			defer store.Close()
			n, err := store.Import(ctx, in)
			var ie *inputerr.Error
			if errors.As(err, &ie) && ie.Path == "-" {
				ie.Path = args[0]
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "imported %d rows into %s\n", n, ledgerdb.Display(where))
			return nil
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	return cmd
}

func newLedgerMigrateCommand(streams Streams) *cobra.Command {
	var ledgerFlag, output string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create the ledger or bring its schema to this pinwheel's version",
		Long: ledgerLong + `

Writing commands (deploy, build, promote, …) migrate the ledger as they open
it; read-only ones (status, history, diff, export, …) never do and refuse an
older schema. migrate does it explicitly, e.g. as a CI step before the
runners of a new pinwheel version read a shared ledger.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkTextOrJSON(output); err != nil {
				return err
			}
			ctx := cmd.Context()
			where := deploy.LedgerPath(ledgerFlag, ".")
			start := time.Now()
			store, err := ledgerdb.Open(ctx, where)
			if err != nil {
				return err
			}
			defer store.Close()
			applied, err := store.Migrations(ctx)
			if err != nil {
				return err
			}
			res := struct {
				Ledger  string           `json:"ledger"`
				Schema  int              `json:"schema"`
				Applied []ledger.Applied `json:"applied"` // by this run
			}{Ledger: ledgerdb.Display(where), Schema: len(applied), Applied: []ledger.Applied{}}
			for _, a := range applied {
				if !a.At.Before(start) {
					res.Applied = append(res.Applied, a)
				}
			}
			if output == "json" {
				return writeJSONIf(streams.Out, output, res)
			}
			fmt.Fprintf(streams.Out, "ledger %s: schema version %d", res.Ledger, res.Schema)
			if len(res.Applied) == 0 {
				fmt.Fprintln(streams.Out, " (up to date)")
				return nil
			}
			fmt.Fprintf(streams.Out, " (applied now:")
			for _, a := range res.Applied {
				fmt.Fprintf(streams.Out, " %d", a.Version)
			}
			fmt.Fprintln(streams.Out, ")")
			return nil
		},
	}
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
