package sqlstore

import (
	"pinwheel.dev/pinwheel/internal/ledger"

	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

const rolloutColumns = `id, service, release_id, from_release, target, phase, status, started_at, updated_at, finished_at, outcome, revision`

func (s *Store) StartRollout(ctx context.Context, r ledger.Rollout) (ledger.Rollout, error) {
	now := s.now()
	if r.StartedAt.IsZero() {
		r.StartedAt = now
	}
	r.UpdatedAt = r.StartedAt
	r.Revision = 1
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var active int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM rollouts WHERE service = ? AND finished_at = '' LIMIT 1`), r.Service).Scan(&active)
		if err == nil {
			return fmt.Errorf("ledger: %s already has rollout %d in progress: %w", r.Service, active, ledger.ErrConflict)
		}
		if !isNoRows(err) {
			return err
		}
		r.ID, err = s.insertID(ctx, tx, `INSERT INTO rollouts(service, release_id, from_release, target, phase, status, started_at, updated_at, revision)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, r.Service, r.ReleaseID, r.FromRelease, r.Target, r.Phase, nullable(r.Status),
			formatTime(r.StartedAt), formatTime(r.UpdatedAt))
		if err != nil {
			return fmt.Errorf("ledger: start rollout: %w", err)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE releases SET state = 'rolling' WHERE id = ?`), r.ReleaseID)
		return err
	})
	return r, err
}

func (s *Store) SaveRollout(ctx context.Context, r ledger.Rollout, decisions ...ledger.Decision) (ledger.Rollout, error) {
	r.UpdatedAt = s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE rollouts SET phase = ?, status = ?, updated_at = ?, finished_at = ?, outcome = ?, revision = revision + 1
			WHERE id = ? AND revision = ?`), r.Phase, nullable(r.Status), formatTime(r.UpdatedAt), formatTime(r.FinishedAt), r.Outcome, r.ID, r.Revision)
		if err != nil {
			return fmt.Errorf("ledger: save rollout %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("ledger: save rollout %d at revision %d: %w", r.ID, r.Revision, ledger.ErrConflict)
		}
		if len(r.Input) > 0 {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO rollout_inputs(rollout_id, seq, at, body)
				VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM rollout_inputs WHERE rollout_id = ?), ?, ?)`),
				r.ID, r.ID, formatTime(r.UpdatedAt), string(r.Input)); err != nil {
				return fmt.Errorf("ledger: record rollout input: %w", err)
			}
		}
		var next int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(seq), 0) + 1 FROM decisions WHERE rollout_id = ?`), r.ID).Scan(&next); err != nil {
			return err
		}
		for _, d := range decisions {
			if d.At.IsZero() {
				d.At = r.UpdatedAt
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO decisions(rollout_id, seq, at, step, phase, action, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
				r.ID, next, formatTime(d.At), d.Step, d.Phase, d.Action, d.Reason, nullable(d.Evidence)); err != nil {
				return fmt.Errorf("ledger: record decision: %w", err)
			}
			next++
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	r.Revision++
	return r, nil
}

func (s *Store) GetRollout(ctx context.Context, id int64) (ledger.Rollout, error) {
	rs, err := s.queryRollouts(ctx, `WHERE id = ?`, id)
	if err != nil {
		return ledger.Rollout{}, err
	}
	if len(rs) == 0 {
		return ledger.Rollout{}, fmt.Errorf("rollout %d: %w", id, ledger.ErrNotFound)
	}
	return rs[0], nil
}

func (s *Store) ActiveRollout(ctx context.Context, service string) (ledger.Rollout, error) {
	rs, err := s.queryRollouts(ctx, `WHERE service = ? AND finished_at = '' ORDER BY id DESC LIMIT 1`, service)
	if err != nil {
		return ledger.Rollout{}, err
	}
	if len(rs) == 0 {
		return ledger.Rollout{}, fmt.Errorf("active rollout of %s: %w", service, ledger.ErrNotFound)
	}
	return rs[0], nil
}

func (s *Store) ListRollouts(ctx context.Context, service string, limit int) ([]ledger.Rollout, error) {
	return s.queryRollouts(ctx, `WHERE (? = '' OR service = ?) ORDER BY id DESC LIMIT ?`, service, service, limitOrAll(limit))
}

func (s *Store) queryRollouts(ctx context.Context, where string, args ...any) ([]ledger.Rollout, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+rolloutColumns+` FROM rollouts `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: query rollouts: %w", err)
	}
	defer rows.Close()
	var out []ledger.Rollout
	for rows.Next() {
		var (
			r                          ledger.Rollout
			status                     sql.NullString
			started, updated, finished string
		)
		if err := rows.Scan(&r.ID, &r.Service, &r.ReleaseID, &r.FromRelease, &r.Target, &r.Phase, &status,
			&started, &updated, &finished, &r.Outcome, &r.Revision); err != nil {
			return nil, err
		}
		if status.Valid {
			r.Status = []byte(status.String)
		}
		r.StartedAt, r.UpdatedAt, r.FinishedAt = parseTime(started), parseTime(updated), parseTime(finished)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Store) Decisions(ctx context.Context, rolloutID int64) ([]ledger.Decision, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT rollout_id, seq, at, step, phase, action, reason, evidence FROM decisions WHERE rollout_id = ? ORDER BY seq`), rolloutID)
	if err != nil {
		return nil, fmt.Errorf("ledger: decisions: %w", err)
	}
	defer rows.Close()
	var out []ledger.Decision
	for rows.Next() {
		var (
			d        ledger.Decision
			at       string
			evidence sql.NullString
		)
		if err := rows.Scan(&d.RolloutID, &d.Seq, &at, &d.Step, &d.Phase, &d.Action, &d.Reason, &evidence); err != nil {
			return nil, err
		}
		d.At = parseTime(at)
		if evidence.Valid {
			d.Evidence = []byte(evidence.String)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Store) Inputs(ctx context.Context, rolloutID int64) ([]ledger.Input, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT rollout_id, seq, at, body FROM rollout_inputs WHERE rollout_id = ? ORDER BY seq`), rolloutID)
	if err != nil {
		return nil, fmt.Errorf("ledger: inputs: %w", err)
	}
	defer rows.Close()
	var out []ledger.Input
	for rows.Next() {
		var (
			in       ledger.Input
			at, body string
		)
		if err := rows.Scan(&in.RolloutID, &in.Seq, &at, &body); err != nil {
			return nil, err
		}
		in.At, in.Body = parseTime(at), json.RawMessage(body)
		out = append(out, in)
	}
	return out, rows.Err()
}
