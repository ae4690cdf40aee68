// Package promtest runs a real Prometheus (the machine's prometheus binary,
// Debian's package) for tests, and an Exporter that stands in for a Python
// service's prometheus_client metrics with traffic a test can change while
// it runs. It is imported only by tests.
//
// Without the binary a test is skipped, unless PINWHEEL_REQUIRE_PROMETHEUS=1
// (make test as root, where scripts/setup.sh installs it): then it fails.
package promtest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a prometheus process on 127.0.0.1 with its own config and
// storage in a temp dir, scraping its targets every second.
type Server struct {
	URL  string // http://127.0.0.1:port
	Addr string // 127.0.0.1:port
	Dir  string // config, data and prometheus.log
	cmd  *exec.Cmd
	done chan error
}

// Required reports whether PINWHEEL_REQUIRE_PROMETHEUS=1.
func Required() bool { return os.Getenv("PINWHEEL_REQUIRE_PROMETHEUS") == "1" }

// Start runs prometheus scraping targets (host:port, path /metrics) every
// second as job "app", and waits until it is ready. It stops when t ends
// (printing its log if t failed).
func Start(t testing.TB, targets ...string) *Server {
	t.Helper()
	quoted := make([]string, len(targets))
	for i, x := range targets {
		quoted[i] = fmt.Sprintf("%q", x)
	}
	return StartScraping(t, fmt.Sprintf(`  - job_name: app
    static_configs:
      - targets: [%s]
`, strings.Join(quoted, ", ")))
}

// StartScraping is Start with scrapeConfigs (YAML list items, indented by
// two spaces) as the config's scrape_configs: e.g. PodScrapeConfig's.
func StartScraping(t testing.TB, scrapeConfigs string) *Server {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if Required() {
			t.Fatal("PINWHEEL_REQUIRE_PROMETHEUS=1 but prometheus is not installed: run scripts/setup.sh as root (apt-get install prometheus)")
		}
		t.Skip("prometheus is not installed: install Debian's prometheus package to run this test")
	}
	return StartBinary(t, bin, scrapeConfigs)
}

// StartBinary is StartScraping with the prometheus binary bin: Debian's
// is built without Kubernetes service discovery, so PodScrapeConfig needs
// the one scripts/kube-build.sh builds.
func StartBinary(t testing.TB, bin, scrapeConfigs string) *Server {
	t.Helper()
	dir := t.TempDir()
	cfg := `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
` + scrapeConfigs
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// FreeAddr's port is free when asked, not when prometheus binds it: a
	// process started meanwhile may take it. Such a start is tried again on
	// another port.
	for attempt := 1; ; attempt++ {
		s, err := launch(bin, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Stop()
			if t.Failed() {
				t.Logf("prometheus log:\n%s", s.Log())
			}
		})
		if err := s.waitReady(time.Minute); err == nil {
			return s
		} else if attempt == 3 || !strings.Contains(s.Log(), "address already in use") {
			t.Fatalf("prometheus on %s: %v\n%s", s.Addr, err, s.Log())
		}
		s.Stop()
	}
}

// launch starts prometheus with dir's config on a free loopback port.
func launch(bin, dir string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &Server{URL: "http://" + addr, Addr: addr, Dir: dir, cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	return s, nil
}

// waitReady polls /-/ready until prometheus answers 200, exits, or limit
// passes.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get(s.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("prometheus exited before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s", limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the process (SIGTERM, SIGKILL after 15 s) and waits for it.
// Calling it again does nothing.
func (s *Server) Stop() {
	select {
	case err := <-s.done:
		s.done <- err // already exited: keep the answer for the next call
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		err = <-s.done
	}
	s.done <- err
}

// Log is what prometheus has logged so far (warnings and errors).
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "prometheus.log"))
	return string(b)
}

// FreeAddr is a 127.0.0.1 address with a port free at the time of the call.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// WaitFor polls ok every 200 ms, failing t after limit.
func WaitFor(t testing.TB, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
