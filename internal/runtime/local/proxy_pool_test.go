package local

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// poolUpstream is a Go HTTP server standing in for a replica; it counts
// the connections the proxy opened to it, and those still open.
func poolUpstream(t *testing.T) (*httptest.Server, *replica, *atomic.Int64, *atomic.Int64) {
	t.Helper()
	var conns, open atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Method", r.Method)
		io.WriteString(w, "ok "+r.URL.Path)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			conns.Add(1)
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	port, _ := strconv.Atoi(u.Port())
	return srv, &replica{name: "r-1", port: port}, &conns, &open
}

func poolGet(t *testing.T, tr *upstreamTransport, rep *replica, method, path string) {
	t.Helper()
	req := httptest.NewRequest(method, "http://replica"+path, nil)
	req.RequestURI = ""
	resp, err := tr.send(req, rep)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok "+path || resp.Header.Get("X-Method") != method {
		t.Fatalf("%s %s: %d %q %v", method, path, resp.StatusCode, b, resp.Header)
	}
}

func TestProxyPoolReusesConnections(t *testing.T) {
	_, rep, conns, _ := poolUpstream(t)
	tr := newUpstreamTransport(time.Minute)
	for i := 0; i < 20; i++ {
		poolGet(t, tr, rep, http.MethodGet, "/a")
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sequential GETs opened %d connections, want 1", n)
	}
}

// A replica that closed the idle connections (restarted, or its own
// keep-alive timeout) costs no failed request: a GET is resent on a new
// connection, a bodiless POST (never resent) gets a connection checked to
// be open.
func TestProxyPoolSurvivesClosedIdleConnections(t *testing.T) {
	srv, rep, conns, _ := poolUpstream(t)
	tr := newUpstreamTransport(time.Minute)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		poolGet(t, tr, rep, method, "/warm")
		srv.CloseClientConnections()
		time.Sleep(50 * time.Millisecond) // let the FIN arrive (on loopback it does at once)
		poolGet(t, tr, rep, method, "/after-close")
	}
	// The first GET opens one; each request after a close opens one (the
	// POST's warm-up reuses the GET's).
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
}

// The idle connections of a replica that left rotation are closed, and the
// pool forgotten.
func TestProxyPoolClosesConnectionsOfRetiredReplica(t *testing.T) {
	_, rep, _, open := poolUpstream(t)
	tr := newUpstreamTransport(time.Minute)
	poolGet(t, tr, rep, http.MethodGet, "/a")
	tr.sweep(time.Now())
	if n := len(tr.pool(rep).idle); n != 1 {
		t.Fatalf("idle connections %d, want 1", n)
	}
	rep.draining.Store(true)
	tr.sweep(time.Now())
	tr.mu.Lock()
	_, kept := tr.pools[rep]
	tr.mu.Unlock()
	if kept {
		t.Errorf("the retired replica's pool is kept")
	}
	waitFor(t, "the upstream saw its connection closed", func() bool { return open.Load() == 0 })
}

// Connections idle longer than the idle timeout are closed.
func TestProxyPoolClosesLongIdleConnections(t *testing.T) {
	_, rep, _, open := poolUpstream(t)
	tr := newUpstreamTransport(time.Minute)
	poolGet(t, tr, rep, http.MethodGet, "/a")
	tr.sweep(time.Now().Add(tr.idleTimeout / 2))
	if open.Load() != 1 {
		t.Fatalf("closed before the idle timeout")
	}
	tr.sweep(time.Now().Add(2 * tr.idleTimeout))
	waitFor(t, "the upstream saw its connection closed", func() bool { return open.Load() == 0 })
}
