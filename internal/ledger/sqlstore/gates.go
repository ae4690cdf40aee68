package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"pinwheel.dev/pinwheel/internal/ledger"
)

func (s *Store) RecordGateRun(ctx context.Context, g ledger.GateRun) (int64, error) {
	if g.ImageDigest == "" {
		return 0, errors.New("ledger: record gate run: no image digest")
	}
	if g.At.IsZero() {
		g.At = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertID(ctx, tx, `INSERT INTO gate_runs(image_digest, service, at, passed, report) VALUES (?, ?, ?, ?, ?)`,
			g.ImageDigest, g.Service, formatTime(g.At), flag(g.Passed), string(g.Report))
		if err != nil {
			return fmt.Errorf("ledger: record gate run: %w", err)
		}
		return nil
	})
	return id, err
}

func (s *Store) LatestGateRun(ctx context.Context, digest string) (ledger.GateRun, error) {
	var (
		g          ledger.GateRun
		at, report string
	)
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, image_digest, service, at, passed, report FROM gate_runs
		WHERE image_digest = ? ORDER BY id DESC LIMIT 1`), digest).Scan(&g.ID, &g.ImageDigest, &g.Service, &at, &g.Passed, &report)
	if isNoRows(err) {
		return g, ledger.ErrNotFound
	}
	if err != nil {
		return g, fmt.Errorf("ledger: gate run of %s: %w", digest, err)
	}
	g.At, g.Report = parseTime(at), json.RawMessage(report)
	return g, nil
}
