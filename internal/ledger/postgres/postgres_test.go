package postgres

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dbName is the database a pgtest URL names.
func dbName(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// With sslmode=verify-full the connection is TLS, checked against the CA
// the URL names; a CA that did not sign the server's certificate is refused.
func TestTLSFromTheURL(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	db := dbName(t, pgtest.Database(t))
	who := url.UserPassword(pgtest.User, pgtest.Password)
	s, err := Open(ctx, c.URL(db, who, "sslmode=verify-full&sslrootcert="+url.QueryEscape(c.CA)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ssl bool
	if err := s.DB().QueryRowContext(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl); err != nil || !ssl {
		t.Fatalf("connection with sslmode=verify-full: ssl %v, %v", ssl, err)
	}
	other := filepath.Join(t.TempDir(), "other-ca.crt")
	if err := os.WriteFile(other, selfSignedCA(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, c.URL(db, who, "sslmode=verify-full&sslrootcert="+url.QueryEscape(other))); err == nil {
		t.Fatal("a server certificate the given CA did not sign was accepted")
	}
}

// A URL without a password takes it from PINWHEEL_LEDGER_PASSWORD_FILE;
// without either, the server refuses the login.
func TestPasswordFile(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	db := dbName(t, pgtest.Database(t))
	noPassword := c.URL(db, url.User(pgtest.User), "sslmode=disable")
	t.Setenv(PasswordFileEnv, "")
	if _, err := Open(ctx, noPassword); err == nil {
		t.Fatal("connected without a password")
	}
	file := filepath.Join(t.TempDir(), "ledger-password")
	if err := os.WriteFile(file, []byte(pgtest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(PasswordFileEnv, file)
	s, err := Open(ctx, noPassword)
	if err != nil {
		t.Fatalf("with %s: %v", PasswordFileEnv, err)
	}
	s.Close()
	t.Setenv(PasswordFileEnv, filepath.Join(t.TempDir(), "missing"))
	if _, err := Open(ctx, noPassword); !inputerr.Is(err) || !strings.Contains(err.Error(), PasswordFileEnv) {
		t.Fatalf("missing password file: %v", err)
	}
}

// No error and no log line names the password, whether it came in the
// URL's user info or as a password= parameter, and whatever went wrong.
func TestErrorsAndLogsRedactThePassword(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	db := dbName(t, pgtest.Database(t))
	secret := "Wr0ng-" + pgtest.Password
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	for _, tc := range []struct{ name, url string }{
		{"wrongPasswordInUserinfo", c.URL(db, url.UserPassword(pgtest.User, secret), "sslmode=disable")},
		{"wrongPasswordParameter", c.URL(db, url.User(pgtest.User), "sslmode=disable&password="+url.QueryEscape(secret))},
		{"noSuchDatabase", c.URL("nosuchdb", url.UserPassword(pgtest.User, pgtest.Password), "sslmode=disable")},
		{"badParameter", c.URL(db, url.UserPassword(pgtest.User, pgtest.Password), "sslmode=sometimes")},
		{"noPassword", c.URL(db, url.User(pgtest.User), "sslmode=disable")},
		{"nothingListening", "postgres://" + pgtest.User + ":" + url.QueryEscape(secret) + "@127.0.0.1:1/" + db + "?sslmode=disable&connect_timeout=5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, tc.url)
			if err == nil {
				t.Fatal("opened")
			}
			logger.Error("open ledger", "ledger", Redact(tc.url), "err", err)
			for _, pw := range []string{secret, pgtest.Password} {
				if strings.Contains(err.Error(), pw) {
					t.Errorf("error names the password: %v", err)
				}
				if strings.Contains(logs.String(), pw) {
					t.Errorf("log names the password: %s", logs.String())
				}
			}
			if !strings.Contains(err.Error(), Redact(tc.url)) {
				t.Errorf("error does not name the ledger as %s: %v", Redact(tc.url), err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u:s3cret@db:5432/pinwheel?sslmode=require", "postgres://u:xxxxx@db:5432/pinwheel?sslmode=require"},
		{"postgres://u@db/pinwheel?password=s3cret&sslmode=require", "postgres://u@db/pinwheel?password=xxxxx&sslmode=require"},
		{"postgresql://db/pinwheel", "postgresql://db/pinwheel"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Two writers of one database take turns: a write waits for the other's
// transaction (the advisory lock), so one active rollout per service holds
// across connections exactly as across SQLite processes.
func TestSecondRolloutFromAnotherConnectionIsRefused(t *testing.T) {
	ctx := context.Background()
	where := pgtest.Database(t)
	a, err := Open(ctx, where)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, where, ledger.Existing())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rel, err := a.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop"}})
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan error, 8)
	for i := 0; i < 8; i++ {
		s := a
		if i%2 == 1 {
			s = b
		}
		go func() {
			_, err := s.StartRollout(ctx, ledger.Rollout{Service: "shop", ReleaseID: rel.ID, Target: "local", Phase: "Pending"})
			results <- err
		}()
	}
	won, refused := 0, 0
	for i := 0; i < 8; i++ {
		switch err := <-results; {
		case err == nil:
			won++
		case errors.Is(err, ledger.ErrConflict):
			refused++
		default:
			t.Errorf("start rollout: %v", err)
		}
	}
	if won != 1 || refused != 7 {
		t.Fatalf("8 concurrent starts from two connections: %d won, %d refused; want 1 and 7", won, refused)
	}
}

// selfSignedCA is a CA certificate (PEM) that signed nothing.
func selfSignedCA(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
