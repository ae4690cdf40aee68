package notify

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The receiver script docs/notify.md shows, run by python3, answers forged
// requests — non-ASCII header values, Unicode digits, endless numbers — with
// 400 or 401 instead of raising, and keeps serving genuine ones.
func TestPythonReceiverRejectsHostileHeaders(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, py, "receiver.py")
	cmd.Dir = "testdata"
	cmd.Env = append(os.Environ(), "PORT="+port, "PINWHEEL_WEBHOOK_SECRET=s3cret")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("receiver did not start: %s", stderr.String())
		}
	}
	r := signedRequest(t, "s3cret")
	ts, sig, body := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), string(r.Body)
	post := func(headers map[string]string, body string) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var b strings.Builder
		fmt.Fprintf(&b, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n")
		if _, ok := headers["Content-Length"]; !ok {
			fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
		}
		for k, v := range headers {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
		b.WriteString("\r\n" + body)
		c.Write([]byte(b.String()))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	genuine := map[string]string{HeaderTimestamp: ts, HeaderSignature: sig, "X-Pinwheel-Delivery": "d-1"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range genuine {
			h[a] = b
		}
		h[k] = v
		return h
	}
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    string
	}{
		{"genuine", genuine, "HTTP/1.0 204"},
		{"non_ascii_signature", with(HeaderSignature, "sha256=é"+strings.Repeat("0", 63)), "HTTP/1.0 400"},
		{"arabic_digit_timestamp", with(HeaderTimestamp, "١٧٦٤٠١٥٣٠٠"), "HTTP/1.0 400"},
		{"superscript_timestamp", with(HeaderTimestamp, "²"), "HTTP/1.0 400"},
		{"endless_timestamp", with(HeaderTimestamp, strings.Repeat("9", 5000)), "HTTP/1.0 401"},
		{"non_ascii_delivery", with("X-Pinwheel-Delivery", "dé"), "HTTP/1.0 400"},
		{"unicode_content_length", with("Content-Length", "١٠"), "HTTP/1.0 400"},
		{"genuine_again", genuine, "HTTP/1.0 204"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(tc.headers, body); !strings.HasPrefix(got, tc.want) {
				t.Fatalf("status %q, want %s; receiver stderr:\n%s", got, tc.want, stderr.String())
			}
		})
	}
	if strings.Contains(stderr.String(), "Traceback") {
		t.Errorf("the receiver raised:\n%s", stderr.String())
	}
}
