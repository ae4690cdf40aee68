// Package sqlstore is the ledger's Store on database/sql: the queries,
// transactions and migrations every SQL database runs, with the few places
// where databases differ (placeholders, id columns, how writers exclude
// each other, which errors are worth a retry) given by a Dialect. It
// imports no driver: sqlite and postgres register theirs and open the
// database.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
)

// Dialect is what a database does its own way.
type Dialect struct {
	// Name names the database in messages ("sqlite", "postgres").
	Name string
	// Numbered: placeholders are $1, $2, … instead of ?.
	Numbered bool
	// DDL rewrites a migration (written for SQLite) for this database; nil
	// keeps it as is.
	DDL func(string) string
	// LockWrites, when set, runs first in every write transaction and
	// holds until it ends, so writers are serialized as SQLite's BEGIN
	// IMMEDIATE serializes them.
	LockWrites func(ctx context.Context, tx *sql.Tx) error
	// Retryable reports errors a write is retried on (the database was busy).
	Retryable func(error) bool
	// AfterImport, when set, runs at the end of Import's transaction (e.g.
	// to move id sequences past the imported ids).
	AfterImport func(ctx context.Context, tx *sql.Tx) error
}

// Store is a ledger.Store on one database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	now     func() time.Time
}

var _ ledger.Store = (*Store)(nil)

// New returns the store on db; the caller has checked or migrated the schema
// (Migrate, SchemaVersion). Close closes db.
func New(db *sql.DB, d Dialect, o ledger.Options) *Store {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, dialect: d, now: now}
}

// DB is the database the store runs on (for checks a store's own tests make).
func (s *Store) DB() *sql.DB { return s.db }

func (s *Store) Close() error { return s.db.Close() }

// q turns a query written with ? placeholders into the dialect's.
func (s *Store) q(query string) string {
	if !s.dialect.Numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Migrate applies the pending ledger.Migrations in one write transaction,
// and refuses a database whose schema is newer than this pinwheel's.
func (s *Store) Migrate(ctx context.Context) error {
	return s.retry(ctx, func() error {
		return s.inTxOnce(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, s.q(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`)); err != nil {
				return err
			}
			var current int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)).Scan(&current); err != nil {
				return err
			}
			if current > len(ledger.Migrations) {
				return fmt.Errorf("database schema version %d is newer than this pinwheel knows (%d); upgrade pinwheel", current, len(ledger.Migrations))
			}
			for v := current + 1; v <= len(ledger.Migrations); v++ {
				ddl := ledger.Migrations[v-1]
				if s.dialect.DDL != nil {
					ddl = s.dialect.DDL(ddl)
				}
				if _, err := tx.ExecContext(ctx, ddl); err != nil {
					return fmt.Errorf("migration %d: %w", v, err)
				}
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`), v, formatTime(s.now())); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// SchemaVersion returns the newest migration applied to the database, without
// changing it; an error when it has no schema_migrations table.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var current int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)).Scan(&current)
	return current, err
}

// Times are stored as RFC 3339 with nanoseconds in UTC, so they sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// inTx runs fn in a write transaction, retrying while another process holds
// the database (SQLite's busy handler does not cover every case, e.g. a
// concurrent WAL switch or recovery after a crash).
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.retry(ctx, func() error { return s.inTxOnce(ctx, fn) })
}

func (s *Store) inTxOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	if s.dialect.LockWrites != nil {
		if err := s.dialect.LockWrites(ctx, tx); err != nil {
			tx.Rollback()
			return fmt.Errorf("ledger: lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

// busyRetryFor bounds how long a write waits for other processes.
const busyRetryFor = 30 * time.Second

func (s *Store) retry(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyRetryFor)
	wait := 5 * time.Millisecond
	for {
		err := fn()
		if err == nil || s.dialect.Retryable == nil || !s.dialect.Retryable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}

// insertID runs an INSERT … RETURNING id in tx.
func (s *Store) insertID(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.q(query+` RETURNING id`), args...).Scan(&id)
	return id, err
}

// flag stores a bool as the 0/1 integer the schema keeps.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func limitOrAll(limit int) int64 {
	if limit <= 0 {
		return 1 << 62 // no limit, in a form every database takes
	}
	return int64(limit)
}

func nullable(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
