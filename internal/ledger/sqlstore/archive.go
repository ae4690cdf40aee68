package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// Export writes the header and every row of ledger.Tables, each table in
// primary-key order, in one read transaction (a consistent snapshot).
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("ledger: export: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("ledger: export: %w", err)
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(ledger.ArchiveHeader{Ledger: "pinwheel", Schema: version}); err != nil {
		return err
	}
	for _, table := range ledger.Tables {
		if err := exportTable(ctx, tx, enc, table); err != nil {
			return fmt.Errorf("ledger: export %s: %w", table, err)
		}
	}
	return bw.Flush()
}

// exportTable writes table's rows ordered by its first column(s): every
// table's primary key starts there (id, or rollout_id and seq).
func exportTable(ctx context.Context, tx *sql.Tx, enc *json.Encoder, table string) error {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1, 2`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			switch v := vals[i].(type) {
			case []byte:
				row[c] = string(v)
			default:
				row[c] = v
			}
		}
		if err := enc.Encode(ledger.ArchiveRow{Table: table, Row: row}); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Import reads an export into this ledger, which must be empty and at the
// export's schema version. Tables and columns are checked against the
// schema, never taken from the input into SQL unchecked. Problems with the
// input are *inputerr.Error naming the line.
func (s *Store) Import(ctx context.Context, r io.Reader) (int, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var head ledger.ArchiveHeader
	if err := dec.Decode(&head); err != nil || head.Ledger != "pinwheel" {
		return 0, &inputerr.Error{Path: "-", Line: 1, Msg: `expected a pinwheel ledger export (first line {"ledger":"pinwheel","schema":N})`, Err: err}
	}
	if head.Schema != len(ledger.Migrations) {
		return 0, &inputerr.Error{Path: "-", Line: 1, Msg: fmt.Sprintf("export of schema version %d; this pinwheel reads version %d", head.Schema, len(ledger.Migrations))}
	}
	n := 0
	err := s.inTxOnce(ctx, func(tx *sql.Tx) error {
		columns := map[string][]string{}
		for _, table := range ledger.Tables {
			cols, empty, err := tableColumns(ctx, tx, table)
			if err != nil {
				return err
			}
			if !empty {
				return fmt.Errorf("ledger: import: table %s is not empty: import into a new ledger", table)
			}
			columns[table] = cols
		}
		for line := 2; ; line++ {
			var row ledger.ArchiveRow
			err := dec.Decode(&row)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return &inputerr.Error{Path: "-", Line: line, Msg: "expected a row {\"table\":…,\"row\":{…}}", Err: err}
			}
			if err := s.insertRow(ctx, tx, columns, row); err != nil {
				return &inputerr.Error{Path: "-", Line: line, Msg: "row of " + row.Table, Err: err}
			}
			n++
		}
		if s.dialect.AfterImport != nil {
			return s.dialect.AfterImport(ctx, tx)
		}
		return nil
	})
	return n, err
}

// tableColumns are table's columns, and whether it has no row.
func tableColumns(ctx context.Context, tx *sql.Tx, table string) ([]string, bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 1`)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, false, err
	}
	return cols, !rows.Next(), rows.Err()
}

func (s *Store) insertRow(ctx context.Context, tx *sql.Tx, columns map[string][]string, row ledger.ArchiveRow) error {
	known, ok := columns[row.Table]
	if !ok {
		return fmt.Errorf("unknown table %q (expected one of: %s)", row.Table, strings.Join(ledger.Tables, ", "))
	}
	names := make([]string, 0, len(row.Row))
	for c := range row.Row {
		if !slices.Contains(known, c) {
			return fmt.Errorf("unknown column %q of %s", c, row.Table)
		}
		names = append(names, c)
	}
	slices.Sort(names)
	args := make([]any, len(names))
	for i, c := range names {
		v := row.Row[c]
		if num, ok := v.(json.Number); ok {
			i64, err := num.Int64()
			if err != nil {
				return fmt.Errorf("column %s: %v is not an integer", c, num)
			}
			v = i64
		}
		switch v.(type) {
		case nil, string, int64:
		default:
			return fmt.Errorf("column %s: expected a string, an integer or null", c)
		}
		args[i] = v
	}
	query := `INSERT INTO ` + row.Table + ` (` + strings.Join(names, ", ") + `) VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + `)`
	_, err := tx.ExecContext(ctx, s.q(query), args...)
	return err
}

// Migrations lists the migrations applied to the database, oldest first.
func (s *Store) Migrations(ctx context.Context) ([]ledger.Applied, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("ledger: migrations: %w", err)
	}
	defer rows.Close()
	var out []ledger.Applied
	for rows.Next() {
		var (
			a  ledger.Applied
			at string
		)
		if err := rows.Scan(&a.Version, &at); err != nil {
			return nil, err
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
