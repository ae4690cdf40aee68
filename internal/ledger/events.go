package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

func (s *sqliteStore) RecordNotification(ctx context.Context, n Notification) (int64, error) {
	if n.At.IsZero() {
		n.At = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO notifications(rollout_id, at, kind, target, event, status, attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			n.RolloutID, formatTime(n.At), n.Kind, n.Target, n.Event, n.Status, n.Attempts, n.Error)
		if err != nil {
			return fmt.Errorf("ledger: record notification: %w", err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

func (s *sqliteStore) ListNotifications(ctx context.Context, rolloutID int64) ([]Notification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, rollout_id, at, kind, target, event, status, attempts, error FROM notifications
		WHERE (? = 0 OR rollout_id = ?) ORDER BY id`, rolloutID, rolloutID)
	if err != nil {
		return nil, fmt.Errorf("ledger: list notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var (
			n  Notification
			at string
		)
		if err := rows.Scan(&n.ID, &n.RolloutID, &at, &n.Kind, &n.Target, &n.Event, &n.Status, &n.Attempts, &n.Error); err != nil {
			return nil, err
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

func (s *sqliteStore) RecordIncident(ctx context.Context, i Incident) (int64, error) {
	if i.At.IsZero() {
		i.At = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO incidents(rollout_id, release_id, at, title, location, summary) VALUES (?, ?, ?, ?, ?, ?)`,
			i.RolloutID, i.ReleaseID, formatTime(i.At), i.Title, i.Location, i.Summary)
		if err != nil {
			return fmt.Errorf("ledger: record incident: %w", err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

func (s *sqliteStore) ListIncidents(ctx context.Context, service string, limit int) ([]Incident, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.rollout_id, i.release_id, i.at, i.title, i.location, i.summary
		FROM incidents i LEFT JOIN releases r ON r.id = i.release_id
		WHERE (? = '' OR r.service = ?) ORDER BY i.id DESC LIMIT ?`, service, service, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("ledger: list incidents: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		var (
			i  Incident
			at string
		)
		if err := rows.Scan(&i.ID, &i.RolloutID, &i.ReleaseID, &at, &i.Title, &i.Location, &i.Summary); err != nil {
			return nil, err
		}
		i.At = parseTime(at)
		out = append(out, i)
	}
	return out, rows.Err()
}
