package sqlstore

import (
	"pinwheel.dev/pinwheel/internal/ledger"

	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

func (s *Store) EnqueueCommand(ctx context.Context, service string, body json.RawMessage) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertID(ctx, tx, `INSERT INTO commands(service, at, body) VALUES (?, ?, ?)`, service, formatTime(s.now()), string(body))
		if err != nil {
			return fmt.Errorf("ledger: enqueue command: %w", err)
		}
		return nil
	})
	return id, err
}

func (s *Store) TakeCommands(ctx context.Context, service string, rolloutID int64) ([]ledger.Command, error) {
	var out []ledger.Command
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, service, at, body FROM commands WHERE service = ? AND taken_by = 0 ORDER BY id`), service)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				c        ledger.Command
				at, body string
			)
			if err := rows.Scan(&c.ID, &c.Service, &at, &body); err != nil {
				rows.Close()
				return err
			}
			c.At, c.Body, c.TakenBy = parseTime(at), json.RawMessage(body), rolloutID
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range out {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE commands SET taken_by = ? WHERE id = ?`), rolloutID, c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: take commands: %w", err)
	}
	return out, nil
}
