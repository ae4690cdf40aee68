// Package pgtest runs a throwaway PostgreSQL for tests: Debian's postgresql
// binaries, a cluster made with initdb in a temp dir, listening on a
// loopback port only, with password (SCRAM) authentication and TLS. Run as
// root, the server runs as an unprivileged user (postgres refuses root).
// One cluster serves a test binary (started on first use, stopped and
// removed by Main's teardown); each test gets a database of its own. It is
// imported only by tests.
//
// Without the binaries a test is skipped, unless PINWHEEL_REQUIRE_POSTGRES=1
// (make test as root, where scripts/setup.sh installs the postgresql
// package): then it fails.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// User and Password are the cluster's superuser; a test that checks that a
// password never shows looks for Password.
const (
	User     = "pinwheel"
	Password = "pgtest-S3cret-never-printed"
)

// Required reports whether PINWHEEL_REQUIRE_POSTGRES=1.
func Required() bool { return os.Getenv("PINWHEEL_REQUIRE_POSTGRES") == "1" }

// Main is a TestMain body for packages that use the cluster: testproc.Run
// with the cluster's teardown (and the package's own stop functions).
func Main(m *testing.M, stop ...func()) int {
	return testproc.Run(m, append(stop, Stop)...)
}

// Cluster is one running server.
type Cluster struct {
	Dir  string // data directory, log, TLS files
	Port int    // on 127.0.0.1
	// CA is the PEM file of the CA that signed the server's certificate
	// (for sslmode=verify-full).
	CA   string
	bin  string
	cmd  *exec.Cmd
	done chan error
	dbs  atomic.Int64
}

var (
	mu      sync.Mutex
	shared  *Cluster
	failure error
)

// Start returns the test binary's cluster, starting it on first use.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bin := binDir()
	if bin == "" {
		if Required() {
			t.Fatal("PINWHEEL_REQUIRE_POSTGRES=1 but PostgreSQL is not installed: run scripts/setup.sh as root (apt-get install postgresql)")
		}
		t.Skip("PostgreSQL is not installed: install Debian's postgresql package to run this test")
	}
	mu.Lock()
	defer mu.Unlock()
	if shared == nil && failure == nil {
		shared, failure = start(bin)
	}
	if failure != nil {
		t.Fatalf("pgtest: %v", failure)
	}
	return shared
}

// Database creates an empty database for t (dropped when t ends) and
// returns its URL: password in it, TLS off (see URL for the other forms).
func Database(t testing.TB) string {
	t.Helper()
	c := Start(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		gone := shared != c // torn down already, with its databases
		mu.Unlock()
		if gone {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := c.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return c.URL(name, url.UserPassword(User, Password), "sslmode=disable")
}

// URL is a postgres:// URL of database db with the given user info and
// query (e.g. "sslmode=disable").
func (c *Cluster) URL(db string, who *url.Userinfo, query string) string {
	u := url.URL{Scheme: "postgres", User: who, Host: "127.0.0.1:" + strconv.Itoa(c.Port), Path: "/" + db, RawQuery: query}
	return u.String()
}

func (c *Cluster) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres", url.UserPassword(User, Password), "sslmode=disable"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// Log is the server's log so far.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.Dir, "postgres.log"))
	return string(b)
}

// binDir is the newest /usr/lib/postgresql/N/bin holding initdb and postgres.
func binDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "initdb")) && fileExists(filepath.Join(d, "postgres")) {
			return d
		}
	}
	return ""
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// runAs is the credential the server runs with: as root, the postgres user
// (Debian's package makes it) or nobody; otherwise the caller's own.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, fmt.Errorf("running as root and there is no postgres or nobody user to run the server as")
}

// start makes a cluster in a new temp dir and starts its server.
func start(bin string) (*Cluster, error) {
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin}
	if err := c.initdb(cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// The free port is free when asked, not when postgres binds it: a start
	// that loses it is tried again on another port.
	for attempt := 1; ; attempt++ {
		err = c.launch(cred)
		if err == nil {
			err = c.waitReady(2 * time.Minute)
		}
		if err == nil {
			return c, nil
		}
		c.stop()
		if attempt == 3 || !strings.Contains(c.Log(), "could not bind") {
			log := c.Log()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("%v\n%s", err, log)
		}
	}
}

// initdb creates the data directory (owned by cred's user), the
// superuser with Password, and the server's TLS certificate.
func (c *Cluster) initdb(cred *syscall.Credential) error {
	pw := filepath.Join(c.Dir, "pwfile")
	if err := os.WriteFile(pw, []byte(Password+"\n"), 0o600); err != nil {
		return err
	}
	if err := c.chown(cred, c.Dir, pw); err != nil {
		return err
	}
	data := filepath.Join(c.Dir, "data")
	cmd := exec.Command(filepath.Join(c.bin, "initdb"), "-D", data, "-U", User, "--pwfile="+pw,
		"--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = c.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	os.Remove(pw)
	ca, cert, key, err := writeTLS(c.Dir)
	if err != nil {
		return err
	}
	c.CA = ca
	return c.chown(cred, cert, key)
}

func (c *Cluster) chown(cred *syscall.Credential, paths ...string) error {
	if cred == nil {
		return nil
	}
	for _, p := range paths {
		if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	return nil
}

// launch starts postgres on a free loopback port.
func (c *Cluster) launch(cred *syscall.Credential) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.Port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	logf, err := os.OpenFile(filepath.Join(c.Dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	c.cmd = exec.Command(filepath.Join(c.bin, "postgres"), "-D", filepath.Join(c.Dir, "data"),
		"-c", "listen_addresses=127.0.0.1", "-c", "port="+strconv.Itoa(c.Port),
		"-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "max_connections=200",
		"-c", "ssl=on", "-c", "ssl_cert_file="+filepath.Join(c.Dir, "server.crt"),
		"-c", "ssl_key_file="+filepath.Join(c.Dir, "server.key"))
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	c.done = make(chan error, 1)
	go func() { c.done <- c.cmd.Wait(); logf.Close() }()
	return nil
}

// waitReady connects until the server answers, exits, or limit passes.
func (c *Cluster) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := c.exec(ctx, "SELECT 1")
		cancel()
		if err == nil {
			return nil
		}
		select {
		case werr := <-c.done:
			c.done <- werr
			return fmt.Errorf("postgres exited before it was ready: %v", werr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %s: %v", limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server (fast shutdown: SIGINT; SIGKILL after a minute) and
// waits until it and its children have exited.
func (c *Cluster) stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	select {
	case err := <-c.done:
		c.done <- err
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-c.done:
		c.done <- err
	case <-time.After(time.Minute):
		_ = c.cmd.Process.Kill()
		err := <-c.done
		c.done <- err
	}
}

// Stop stops the shared cluster and removes its directory (the teardown
// Main runs; a TestMain that uses another Main passes it there).
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if shared == nil {
		return
	}
	shared.stop()
	os.RemoveAll(shared.Dir)
	shared = nil
}

// WaitNoAdvisoryLocks waits (up to two minutes) until no session holds an
// advisory lock in db's cluster — e.g. until the sessions of killed clients
// have ended on the server with their transactions and locks.
func WaitNoAdvisoryLocks(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var held int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted`).Scan(&held); err != nil {
			return err
		}
		if held == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d advisory locks still held after 2m", held)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
