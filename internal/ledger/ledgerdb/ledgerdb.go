// Package ledgerdb opens the ledger a location names — the composition root
// of the stores: a file path is the embedded SQLite ledger. It is the only
// package that imports a store implementation; everything else takes the
// ledger package's role interfaces.
package ledgerdb

import (
	"context"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/sqlite"
)

// Open opens the ledger at where (a SQLite file path) with opts
// (ledger.ReadOnly, ledger.Existing, ledger.WithClock).
func Open(ctx context.Context, where string, opts ...ledger.Option) (ledger.Store, error) {
	s, err := sqlite.Open(ctx, where, opts...)
	if err != nil {
		return nil, err
	}
	return s, nil
}
