package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// sqliteStore is the embedded Store on a SQLite database file.
type sqliteStore struct {
	db       *sql.DB
	now      func() time.Time
	readOnly bool // ReadOnly: mode=ro, no migrations
	existing bool // ReadOnly or Existing: never create the file
}

var _ Store = (*sqliteStore)(nil)

func (s *sqliteStore) Close() error { return s.db.Close() }

// migrations are applied in order, each once; never edit a released one.
var migrations = []string{
	`CREATE TABLE builds (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		service TEXT NOT NULL,
		created_at TEXT NOT NULL,
		info TEXT NOT NULL,
		succeeded INTEGER NOT NULL
	);
	CREATE INDEX builds_service ON builds(service, id);
	CREATE TABLE releases (
		id TEXT PRIMARY KEY,
		service TEXT NOT NULL,
		seq INTEGER NOT NULL,
		created_at TEXT NOT NULL,
		info TEXT NOT NULL,
		image_ref TEXT NOT NULL DEFAULT '',
		image_digest TEXT NOT NULL DEFAULT '',
		lock TEXT,
		config TEXT,
		state TEXT NOT NULL,
		known_good INTEGER NOT NULL DEFAULT 0,
		UNIQUE(service, seq)
	);
	CREATE TABLE rollouts (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		service TEXT NOT NULL,
		release_id TEXT NOT NULL REFERENCES releases(id),
		from_release TEXT NOT NULL DEFAULT '',
		target TEXT NOT NULL,
		phase TEXT NOT NULL,
		status TEXT,
		started_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		finished_at TEXT NOT NULL DEFAULT '',
		outcome TEXT NOT NULL DEFAULT '',
		revision INTEGER NOT NULL DEFAULT 1
	);
	CREATE INDEX rollouts_service ON rollouts(service, id);
	CREATE TABLE decisions (
		rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
		seq INTEGER NOT NULL,
		at TEXT NOT NULL,
		step INTEGER NOT NULL,
		phase TEXT NOT NULL,
		action TEXT NOT NULL,
		reason TEXT NOT NULL,
		evidence TEXT,
		PRIMARY KEY (rollout_id, seq)
	);
	CREATE TABLE notifications (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		rollout_id INTEGER NOT NULL DEFAULT 0,
		at TEXT NOT NULL,
		kind TEXT NOT NULL,
		target TEXT NOT NULL,
		event TEXT NOT NULL,
		status TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		error TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE incidents (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		rollout_id INTEGER NOT NULL,
		release_id TEXT NOT NULL,
		at TEXT NOT NULL,
		title TEXT NOT NULL,
		location TEXT NOT NULL,
		summary TEXT NOT NULL DEFAULT ''
	);`,
	`CREATE TABLE commands (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		service TEXT NOT NULL,
		at TEXT NOT NULL,
		body TEXT NOT NULL,
		taken_by INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX commands_pending ON commands(service, taken_by, id);`,
	`ALTER TABLE releases ADD COLUMN deploy TEXT;`,
	`CREATE TABLE rollout_inputs (
		rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
		seq INTEGER NOT NULL,
		at TEXT NOT NULL,
		body TEXT NOT NULL,
		PRIMARY KEY (rollout_id, seq)
	);`,
}

func (s *sqliteStore) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if current > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this pinwheel knows (%d); upgrade pinwheel", current, len(migrations))
	}
	for v := current + 1; v <= len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`, v, formatTime(s.now())); err != nil {
			return err
		}
	}
	return tx.Commit()
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
func (s *sqliteStore) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return retryBusy(ctx, func() error { return s.inTxOnce(ctx, fn) })
}

func (s *sqliteStore) inTxOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
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

func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyRetryFor)
	wait := 5 * time.Millisecond
	for {
		err := fn()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
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

// isBusy reports SQLITE_BUSY / SQLITE_LOCKED (primary result codes 5 and 6).
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		c := coded.Code() & 0xff
		return c == 5 || c == 6
	}
	return false
}
