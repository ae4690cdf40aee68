package sqlstore

import (
	"pinwheel.dev/pinwheel/internal/ledger"

	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

func (s *Store) RecordBuild(ctx context.Context, b ledger.Build) (int64, error) {
	if b.CreatedAt.IsZero() {
		b.CreatedAt = s.now()
	}
	info, err := json.Marshal(b.Info)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		id, err = s.insertID(ctx, tx, `INSERT INTO builds(service, created_at, info, succeeded) VALUES (?, ?, ?, ?)`,
			b.Service, formatTime(b.CreatedAt), string(info), flag(b.Succeeded))
		if err != nil {
			return fmt.Errorf("ledger: record build: %w", err)
		}
		return nil
	})
	return id, err
}

func (s *Store) ListBuilds(ctx context.Context, service string, limit int) ([]ledger.Build, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, service, created_at, info, succeeded FROM builds
		WHERE (? = '' OR service = ?) ORDER BY id DESC LIMIT ?`), service, service, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("ledger: list builds: %w", err)
	}
	defer rows.Close()
	var out []ledger.Build
	for rows.Next() {
		var (
			b           ledger.Build
			created, in string
		)
		if err := rows.Scan(&b.ID, &b.Service, &created, &in, &b.Succeeded); err != nil {
			return nil, err
		}
		b.CreatedAt = parseTime(created)
		if err := json.Unmarshal([]byte(in), &b.Info); err != nil {
			return nil, fmt.Errorf("ledger: build %d: %w", b.ID, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
