package sqlstore

import (
	"pinwheel.dev/pinwheel/internal/ledger"

	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

const releaseColumns = `id, service, seq, created_at, info, image_ref, lock, config, state, known_good, deploy`

func (s *Store) CreateRelease(ctx context.Context, r ledger.Release) (ledger.Release, error) {
	if r.Service == "" {
		return ledger.Release{}, errors.New("ledger: release needs a service")
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	if r.State == "" {
		r.State = ledger.ReleaseNew
	}
	info, err := json.Marshal(r.Info)
	if err != nil {
		return ledger.Release{}, err
	}
	var lockJSON, configJSON []byte
	if r.Lock != nil {
		if lockJSON, err = json.Marshal(r.Lock); err != nil {
			return ledger.Release{}, err
		}
	}
	if len(r.Config) > 0 {
		configJSON = r.Config
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(seq), 0) + 1 FROM releases WHERE service = ?`), r.Service).Scan(&r.Seq); err != nil {
			return err
		}
		r.ID = fmt.Sprintf("%s-%d", r.Service, r.Seq)
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO releases(`+releaseColumns+`, image_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			r.ID, r.Service, r.Seq, formatTime(r.CreatedAt), string(info), r.ImageRef, nullable(lockJSON), nullable(configJSON),
			r.State, flag(r.KnownGood), nullable(r.Deploy), r.Info.ImageDigest)
		if err != nil {
			return fmt.Errorf("ledger: create release: %w", err)
		}
		return nil
	})
	return r, err
}

func (s *Store) GetRelease(ctx context.Context, service, ref string) (ledger.Release, error) {
	ref = strings.TrimSpace(ref)
	var (
		query string
		args  []any
	)
	switch {
	case ref == "current" || ref == "live":
		query, args = `WHERE service = ? AND state = 'live' ORDER BY seq DESC LIMIT 1`, []any{service}
	case ref == "previous":
		query, args = `WHERE service = ? AND state = 'superseded' ORDER BY seq DESC LIMIT 1`, []any{service}
	case ref == "latest":
		query, args = `WHERE service = ? ORDER BY seq DESC LIMIT 1`, []any{service}
	case isDigits(ref) && service != "":
		seq, _ := strconv.Atoi(ref)
		query, args = `WHERE service = ? AND seq = ?`, []any{service, seq}
	case isDigestRef(ref):
		d := ref
		if !strings.HasPrefix(d, "sha256:") {
			d = "sha256:" + d
		}
		query, args = `WHERE image_digest LIKE ? AND (? = '' OR service = ?) ORDER BY seq DESC LIMIT 1`, []any{d + "%", service, service}
	default:
		query, args = `WHERE id = ?`, []any{ref}
	}
	rows, err := s.queryReleases(ctx, query, args...)
	if err != nil {
		return ledger.Release{}, err
	}
	if len(rows) == 0 {
		return ledger.Release{}, fmt.Errorf("release %q: %w", ref, ledger.ErrNotFound)
	}
	return rows[0], nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isDigestRef(s string) bool {
	h := strings.TrimPrefix(s, "sha256:")
	if len(h) < 12 || len(h) > 64 {
		return false
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Store) ListReleases(ctx context.Context, service string, limit int) ([]ledger.Release, error) {
	return s.queryReleases(ctx, `WHERE (? = '' OR service = ?) ORDER BY created_at DESC, seq DESC LIMIT ?`, service, service, limitOrAll(limit))
}

func (s *Store) SetReleaseState(ctx context.Context, id string, state ledger.ReleaseState, knownGood bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var service string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT service FROM releases WHERE id = ?`), id).Scan(&service); err != nil {
			if isNoRows(err) {
				return fmt.Errorf("release %q: %w", id, ledger.ErrNotFound)
			}
			return err
		}
		if state == ledger.ReleaseLive {
			// Only one live release per service: the old one is superseded.
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE releases SET state = 'superseded' WHERE service = ? AND state = 'live' AND id != ?`), service, id); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE releases SET state = ?, known_good = CASE WHEN ? = 1 THEN 1 ELSE known_good END WHERE id = ?`), state, flag(knownGood), id)
		return err
	})
}

func (s *Store) LastKnownGood(ctx context.Context, service, exclude string) (ledger.Release, error) {
	rows, err := s.queryReleases(ctx, `WHERE service = ? AND known_good = 1 AND id != ? ORDER BY (state = 'live') DESC, seq DESC LIMIT 1`, service, exclude)
	if err != nil {
		return ledger.Release{}, err
	}
	if len(rows) == 0 {
		return ledger.Release{}, fmt.Errorf("known-good release of %s: %w", service, ledger.ErrNotFound)
	}
	return rows[0], nil
}

func (s *Store) Services(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT service FROM releases UNION SELECT service FROM builds UNION SELECT service FROM rollouts ORDER BY 1`))
	if err != nil {
		return nil, fmt.Errorf("ledger: services: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

func (s *Store) queryReleases(ctx context.Context, where string, args ...any) ([]ledger.Release, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+releaseColumns+` FROM releases `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: query releases: %w", err)
	}
	defer rows.Close()
	var out []ledger.Release
	for rows.Next() {
		var (
			r                 ledger.Release
			created, info     string
			lockJSON, cfgJSON sql.NullString
			deployJSON        sql.NullString
			state             string
		)
		if err := rows.Scan(&r.ID, &r.Service, &r.Seq, &created, &info, &r.ImageRef, &lockJSON, &cfgJSON, &state, &r.KnownGood, &deployJSON); err != nil {
			return nil, err
		}
		r.CreatedAt = parseTime(created)
		r.State = state
		if err := json.Unmarshal([]byte(info), &r.Info); err != nil {
			return nil, fmt.Errorf("ledger: release %s info: %w", r.ID, err)
		}
		if lockJSON.Valid {
			r.Lock = new(lock.Lock)
			if err := json.Unmarshal([]byte(lockJSON.String), r.Lock); err != nil {
				return nil, fmt.Errorf("ledger: release %s lock: %w", r.ID, err)
			}
		}
		if deployJSON.Valid {
			r.Deploy = json.RawMessage(deployJSON.String)
		}
		if cfgJSON.Valid {
			r.Config = json.RawMessage(cfgJSON.String)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
