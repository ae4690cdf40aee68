package ledger

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
	"time"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Option configures Open.
type Option func(*sqliteStore)

// WithClock sets the clock used for timestamps the ledger assigns.
func WithClock(now func() time.Time) Option { return func(s *sqliteStore) { s.now = now } }

// ReadOnly opens an existing, current ledger for reading only: it never
// creates, migrates or writes the file. A missing, empty, older-schema or
// corrupt ledger is an error naming the file.
func ReadOnly() Option { return func(s *sqliteStore) { s.readOnly, s.existing = true, true } }

// Existing opens an existing ledger for writing (migrating it if older) but
// never creates one: a missing or empty file is an error naming it.
func Existing() Option { return func(s *sqliteStore) { s.existing = true } }

// Open opens the ledger database at path — creating it (mode 0600) unless
// ReadOnly or Existing — and applies pending migrations unless ReadOnly.
// Writes use BEGIN IMMEDIATE and WAL so several pinwheel processes can share
// one file; a crash loses no committed transaction. Problems with the file
// itself (missing, empty, not a database, corrupt) are *inputerr.Error.
func Open(ctx context.Context, path string, opts ...Option) (Store, error) {
	s := &sqliteStore{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if s.existing {
		if err := checkExisting(path); err != nil {
			return nil, err
		}
	} else if err := create(ctx, path); err != nil {
		return nil, err
	}
	if err := s.open(ctx, path); err != nil {
		return nil, err
	}
	return s, nil
}

// open connects s to the database file at path and checks (ReadOnly) or
// migrates its schema.
func (s *sqliteStore) open(ctx context.Context, path string) error {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "foreign_keys(1)")
	if s.readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Set("_txlock", "immediate")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("ledger: open %s: %w", path, err)
	}
	s.db = db
	if s.readOnly {
		err = s.checkSchema(ctx, path)
	} else {
		err = retryBusy(ctx, func() error { return s.migrate(ctx) })
	}
	if err != nil {
		db.Close()
		return fileError(path, err)
	}
	return nil
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
	fresh := &sqliteStore{now: time.Now}
	if err := fresh.open(ctx, tmp); err != nil {
		return err
	}
	_, err = fresh.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`) // everything into the main file
	if cerr := fresh.db.Close(); err == nil {
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
func (s *sqliteStore) checkSchema(ctx context.Context, path string) error {
	var current int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil {
		return err
	}
	if current != len(migrations) {
		return &inputerr.Error{Path: path, Msg: fmt.Sprintf("ledger schema version %d, this pinwheel reads version %d; run a writing command (deploy) with the matching pinwheel to migrate it", current, len(migrations))}
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
