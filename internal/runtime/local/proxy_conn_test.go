package local

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// One client connection carries a GET (after which the proxy serves the
// connection itself), a POST with a body and Expect: 100-continue, a HEAD,
// an error answer and, last, a malformed request: each gets its answer on
// the same connection, the malformed one a 400 and the connection's end.
func TestProxyKeepAliveConnectionServesEveryKind(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("bad", "ERROR_RATE", "1"), Replicas: 1, CanaryReplicas: 1})
	o := waitConverged(t, rt)
	nc, err := net.Dial("tcp", strings.TrimPrefix(o.Endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	br := bufio.NewReader(nc)
	roundTrip := func(raw, method string) *http.Response {
		t.Helper()
		if _, err := io.WriteString(nc, raw); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		return resp
	}
	body := func(resp *http.Response) string {
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for i := 0; i < 3; i++ {
		resp := roundTrip("GET / HTTP/1.1\r\nHost: svc\r\n\r\n", "GET")
		if b := body(resp); resp.StatusCode != 200 || !strings.Contains(b, `"release": "v1"`) || resp.Header.Get("Date") == "" {
			t.Fatalf("GET: %d %q %v", resp.StatusCode, b, resp.Header)
		}
	}
	// The client sends the body only after "100 Continue".
	if _, err := io.WriteString(nc, "POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 12\r\nExpect: 100-continue\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
		t.Fatalf("expected 100 Continue, got %q %v", line, err)
	}
	br.ReadString('\n') // the blank line after it
	resp := roundTrip(`{"order": 1}`, "POST")
	if b := body(resp); resp.StatusCode != 200 || !strings.Contains(b, `"release": "v1"`) {
		t.Fatalf("POST: %d %q", resp.StatusCode, b)
	}
	resp = roundTrip("HEAD / HTTP/1.1\r\nHost: svc\r\n\r\n", "HEAD")
	if b := body(resp); resp.StatusCode != 501 && resp.StatusCode != 200 || b != "" {
		t.Fatalf("HEAD: %d %q", resp.StatusCode, b)
	}
	// Make the canary take everything: its 500 passes through as it is.
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("bad", "ERROR_RATE", "1"), CanaryWeight: 100, Replicas: 1, CanaryReplicas: 1})
	waitConverged(t, rt)
	resp = roundTrip("GET / HTTP/1.1\r\nHost: svc\r\n\r\n", "GET")
	if b := body(resp); resp.StatusCode != 500 || !strings.Contains(b, "injected failure") {
		t.Fatalf("GET on the failing canary: %d %q", resp.StatusCode, b)
	}
	resp = roundTrip("GET / HTTP/1.1\r\nHost svc\r\n\r\n", "GET")
	if b := body(resp); resp.StatusCode != 400 || !resp.Close || b != "400 Bad Request" {
		t.Fatalf("malformed request: %d close=%v %q", resp.StatusCode, resp.Close, b)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection still open after the 400: %v", err)
	}
}

// Closing the runtime closes the idle keep-alive connections the proxy
// serves itself, as http.Server.Shutdown does for its own.
func TestProxyCloseEndsIdleKeepAliveConnections(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 1})
	o := waitConverged(t, rt)
	nc, err := net.Dial("tcp", strings.TrimPrefix(o.Endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	br := bufio.NewReader(nc)
	io.WriteString(nc, "GET / HTTP/1.1\r\nHost: svc\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	rt.Close()
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection still open after Close: %v", err)
	}
}
