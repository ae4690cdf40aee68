package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

func (s *sqliteStore) RecordBuild(ctx context.Context, b Build) (int64, error) {
	if b.CreatedAt.IsZero() {
		b.CreatedAt = s.now()
	}
	info, err := json.Marshal(b.Info)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO builds(service, created_at, info, succeeded) VALUES (?, ?, ?, ?)`,
			b.Service, formatTime(b.CreatedAt), string(info), b.Succeeded)
		if err != nil {
			return fmt.Errorf("ledger: record build: %w", err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

func (s *sqliteStore) ListBuilds(ctx context.Context, service string, limit int) ([]Build, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, service, created_at, info, succeeded FROM builds
		WHERE (? = '' OR service = ?) ORDER BY id DESC LIMIT ?`, service, service, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("ledger: list builds: %w", err)
	}
	defer rows.Close()
	var out []Build
	for rows.Next() {
		var (
			b           Build
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

func limitOrAll(limit int) int {
	if limit <= 0 {
		return -1 // SQLite: no limit
	}
	return limit
}
