// Package sqlite is the ledger's embedded default: a SQLite database file
// (pure-Go driver, WAL, BEGIN IMMEDIATE writes, so several pinwheel
// processes share one file and a crash loses no committed transaction),
// running sqlstore's queries. It owns the file: creating it whole, owner
// only, and telling a missing, empty or corrupt file from a ledger.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/sqlstore"
)

// Dialect is SQLite's: ? placeholders, writers serialized by BEGIN
// IMMEDIATE, retried while the file is busy.
var Dialect = sqlstore.Dialect{Name: "sqlite", Retryable: isBusy}

// Open opens the ledger database at path — creating it (mode 0600) unless
// ReadOnly or Existing — and applies pending migrations unless ReadOnly.
// Writes use BEGIN IMMEDIATE and WAL so several pinwheel processes can share
// one file; a crash loses no committed transaction. Problems with the file
// itself (missing, empty, not a database, corrupt) are *inputerr.Error.
func Open(ctx context.Context, path string, opts ...ledger.Option) (*sqlstore.Store, error) {
	o := ledger.Apply(opts...)
	if o.Existing {
		if err := checkExisting(path); err != nil {
			return nil, err
		}
	} else if err := create(ctx, path); err != nil {
		return nil, err
	}
	return open(ctx, path, o)
}

// open connects to the database file at path and checks (ReadOnly) or
// migrates its schema.
func open(ctx context.Context, path string, o ledger.Options) (*sqlstore.Store, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "foreign_keys(1)")
	if o.ReadOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Set("_txlock", "immediate")
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	s := sqlstore.New(db, Dialect, o)
	if o.ReadOnly {
		err = checkSchema(ctx, s, path)
	} else {
		err = s.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, fileError(path, err)
	}
	return s, nil
}

// uriPath escapes path for a SQLite URI filename: "%", "?" and "#" are
// percent-encoded, so a directory named like "run#1" or "a?b" is that
// directory, not a shorter path with a query or fragment after it.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// create makes a new ledger at path when none exists: a complete,
// migrated database is built in a temporary file readable by its owner only
// (SQLite gives its -wal and -shm files the same mode) and hard-linked into
// place, so no process ever sees a half-made ledger — concurrent creators
// all end up with the one that was linked first. An existing path must pass
// checkExisting: a deploy must not take an empty file for a new history.
func create(ctx context.Context, path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if _, err := os.Lstat(path); err == nil {
		return checkExisting(path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ledger: %w", err)
	}
	f, err := os.CreateTemp(dir, ".ledger-*.db") // mode 0600
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}()
	fresh, err := open(ctx, tmp, ledger.Apply())
	if err != nil {
		return err
	}
	_, err = fresh.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`) // everything into the main file
	if cerr := fresh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("ledger: create %s: %w", path, err)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("ledger: create %s: %w", path, err)
	}
	return nil
}

// checkExisting refuses a path that is not a non-empty regular file.
func checkExisting(path string) error {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &inputerr.Error{Path: path, Msg: "no ledger (deploy something first, or pass --ledger PATH)"}
	case err != nil:
		return &inputerr.Error{Path: path, Msg: "ledger", Err: err}
	case !info.Mode().IsRegular():
		return &inputerr.Error{Path: path, Msg: "the ledger is not a regular file"}
	case info.Size() == 0:
		return &inputerr.Error{Path: path, Msg: "the ledger is empty (0 bytes): not a pinwheel ledger; restore it from a backup, or remove it to start a new history"}
	}
	return nil
}

// checkSchema makes sure a read-only ledger is at the schema this pinwheel
// reads, without changing it.
func checkSchema(ctx context.Context, s *sqlstore.Store, path string) error {
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if want := len(ledger.Migrations); current != want {
		return &inputerr.Error{Path: path, Msg: fmt.Sprintf("ledger schema version %d, this pinwheel reads version %d; run a writing command (deploy, or pinwheel ledger migrate) with the matching pinwheel to migrate it", current, want)}
	}
	return nil
}

// fileError turns SQLite's verdicts on the file itself (not a database,
// corrupt, no schema) into an input error naming the file.
func fileError(path string, err error) error {
	if inputerr.Is(err) {
		return err
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
			return &inputerr.Error{Path: path, Msg: "the ledger is corrupt or not a pinwheel ledger", Err: err}
		}
	}
	if strings.Contains(err.Error(), "no such table") {
		return &inputerr.Error{Path: path, Msg: "not a pinwheel ledger (no schema_migrations table)", Err: err}
	}
	return fmt.Errorf("ledger: open %s: %w", path, err)
}

// isBusy reports SQLITE_BUSY / SQLITE_LOCKED (primary result codes 5 and 6).
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		c := coded.Code() & 0xff
		return c == 5 || c == 6
	}
	return false
}
