// Package ledgerdb opens the ledger a location names — the composition root
// of the stores: a postgres:// (or postgresql://) URL is a shared
// PostgreSQL ledger, anything else a file path of the embedded SQLite
// ledger. It is the only package that imports a store implementation;
// everything else takes the ledger package's role interfaces.
package ledgerdb

import (
	"context"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/postgres"
	"pinwheel.dev/pinwheel/internal/ledger/sqlite"
)

// Open opens the ledger at where with opts (ledger.ReadOnly,
// ledger.Existing, ledger.WithClock).
func Open(ctx context.Context, where string, opts ...ledger.Option) (ledger.Store, error) {
	if postgres.IsURL(where) {
		s, err := postgres.Open(ctx, where, opts...)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, where, opts...)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// IsShared reports whether where names a database server (PostgreSQL)
// rather than a file.
func IsShared(where string) bool { return postgres.IsURL(where) }

// Display is where as it may be printed: a URL's password is redacted.
func Display(where string) string {
	if postgres.IsURL(where) {
		return postgres.Redact(where)
	}
	return where
}
