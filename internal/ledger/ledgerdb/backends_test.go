package ledgerdb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/pgtest"
)

// backend is one store implementation the suite runs against: every test
// in this package runs once per backend, as a subtest named after it.
type backend struct {
	name string
	// location returns where a new, empty ledger for one test is.
	location func(t testing.TB) string
	// check verifies the database is intact after its writers were killed.
	check func(ctx context.Context, s ledger.Store) error
}

var backends = []backend{
	{
		name:     "sqlite",
		location: func(t testing.TB) string { return filepath.Join(t.TempDir(), "ledger.db") },
		check: func(ctx context.Context, s ledger.Store) error {
			var check string
			if err := sqlDB(s).QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
				return fmt.Errorf("integrity_check = %q, %v", check, err)
			}
			return nil
		},
	},
	{
		name:     "postgres",
		location: func(t testing.TB) string { return pgtest.Database(t) },
		// A killed writer's session ends on the server with its
		// transaction and its write lock: none may stay held.
		check: func(ctx context.Context, s ledger.Store) error {
			return pgtest.WaitNoAdvisoryLocks(ctx, sqlDB(s))
		},
	},
}

func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// openTest opens a new ledger on b whose clock ticks a second per reading.
func openTest(t *testing.T, b backend) ledger.Store {
	t.Helper()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := Open(context.Background(), b.location(t), ledger.WithClock(func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
