package sqlstore

import (
	"pinwheel.dev/pinwheel/internal/ledger"

	"context"
	"database/sql"
	"fmt"
)

func (s *Store) RecordNotification(ctx context.Context, n ledger.Notification) (int64, error) {
	if n.At.IsZero() {
		n.At = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertID(ctx, tx, `INSERT INTO notifications(rollout_id, at, kind, target, event, status, attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			n.RolloutID, formatTime(n.At), n.Kind, n.Target, n.Event, n.Status, n.Attempts, n.Error)
		if err != nil {
			return fmt.Errorf("ledger: record notification: %w", err)
		}
		return nil
	})
	return id, err
}

func (s *Store) ListNotifications(ctx context.Context, rolloutID int64) ([]ledger.Notification, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, rollout_id, at, kind, target, event, status, attempts, error FROM notifications
		WHERE (? = 0 OR rollout_id = ?) ORDER BY id`), rolloutID, rolloutID)
	if err != nil {
		return nil, fmt.Errorf("ledger: list notifications: %w", err)
	}
	defer rows.Close()
	var out []ledger.Notification
	for rows.Next() {
		var (
			n  ledger.Notification
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

func (s *Store) RecordIncident(ctx context.Context, i ledger.Incident) (int64, error) {
	if i.At.IsZero() {
		i.At = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertID(ctx, tx, `INSERT INTO incidents(rollout_id, release_id, at, title, location, summary) VALUES (?, ?, ?, ?, ?, ?)`,
			i.RolloutID, i.ReleaseID, formatTime(i.At), i.Title, i.Location, i.Summary)
		if err != nil {
			return fmt.Errorf("ledger: record incident: %w", err)
		}
		return nil
	})
	return id, err
}

func (s *Store) ListIncidents(ctx context.Context, service string, limit int) ([]ledger.Incident, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT i.id, i.rollout_id, i.release_id, i.at, i.title, i.location, i.summary
		FROM incidents i LEFT JOIN releases r ON r.id = i.release_id
		WHERE (? = '' OR r.service = ?) ORDER BY i.id DESC LIMIT ?`), service, service, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("ledger: list incidents: %w", err)
	}
	defer rows.Close()
	var out []ledger.Incident
	for rows.Next() {
		var (
			i  ledger.Incident
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
