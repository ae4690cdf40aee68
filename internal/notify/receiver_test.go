package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// verifyPinwheel is the receiver-side check docs/notify.md shows for Go
// (standard library only). The test keeps the two identical.
// --- begin go receiver ---
func verifyPinwheel(secret []byte, h http.Header, body []byte) bool {
	ts := h.Get("X-Pinwheel-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false // missing, malformed or replayed
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(want), []byte(h.Get("X-Pinwheel-Signature")))
}

// --- end go receiver ---

// signedRequest captures one real webhook request signed now with secret.
func signedRequest(t *testing.T, secret string) received {
	srv := newRecorder(t)
	w, _ := NewWebhook(srv.URL, WithSecret([]byte(secret)))
	if err := w.Notify(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	return srv.requests()[0]
}

func TestGoReceiverSnippet(t *testing.T) {
	r := signedRequest(t, "s3cret")
	if !verifyPinwheel([]byte("s3cret"), r.Header, r.Body) {
		t.Error("the documented Go receiver rejects a genuine request")
	}
	if verifyPinwheel([]byte("wrong"), r.Header, r.Body) {
		t.Error("the documented Go receiver accepts a wrong secret")
	}
	tampered := append([]byte(nil), r.Body...)
	tampered[len(tampered)-2] ^= 1
	if verifyPinwheel([]byte("s3cret"), r.Header, tampered) {
		t.Error("the documented Go receiver accepts a tampered body")
	}
}

// The Python receiver in docs/notify.md, run by the machine's python3
// against real signed requests.
func TestPythonReceiverSnippet(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	r := signedRequest(t, "s3cret")
	dir := t.TempDir()
	body := filepath.Join(dir, "body.json")
	os.WriteFile(body, r.Body, 0o644)
	script := `
import sys
sys.path.insert(0, "testdata")
from verify_receiver import verify_pinwheel
secret, ts, sig, path = sys.argv[1:5]
body = open(path, "rb").read()
if len(sys.argv) > 5:
    body = body.replace(b"hello-2", b"hello-9")
ok = verify_pinwheel(secret.encode(), {"X-Pinwheel-Timestamp": ts, "X-Pinwheel-Signature": sig}, body)
print("ok" if ok else "rejected")
`
	tests := []struct {
		name, secret, ts string
		tamper           bool
		want             string
	}{
		{name: "genuine", secret: "s3cret", ts: r.Header.Get(HeaderTimestamp), want: "ok"},
		{name: "wrong_secret", secret: "other", ts: r.Header.Get(HeaderTimestamp), want: "rejected"},
		{name: "tampered", secret: "s3cret", ts: r.Header.Get(HeaderTimestamp), tamper: true, want: "rejected"},
		{name: "replayed_10m_later", secret: "s3cret", ts: strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10), want: "rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-c", script, tt.secret, tt.ts, r.Header.Get(HeaderSignature), body}
			if tt.tamper {
				args = append(args, "tamper")
			}
			out, err := exec.Command(py, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("python3: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Fatalf("python receiver said %q, want %q", got, tt.want)
			}
		})
	}
}

// docs/notify.md shows exactly the receivers tested above.
func TestDocsShowTestedReceivers(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "notify.md"))
	if err != nil {
		t.Skip("docs/notify.md not written yet")
	}
	src, _ := os.ReadFile("receiver_test.go")
	_, goSnippet, _ := strings.Cut(string(src), "// --- begin go receiver ---\n")
	goSnippet, _, _ = strings.Cut(goSnippet, "\n// --- end go receiver ---")
	py, _ := os.ReadFile(filepath.Join("testdata", "verify_receiver.py"))
	server, _ := os.ReadFile(filepath.Join("testdata", "receiver.py"))
	for name, snippet := range map[string]string{"go": strings.TrimSpace(goSnippet), "python": strings.TrimSpace(string(py)),
		"python server": strings.TrimSpace(string(server))} {
		if !strings.Contains(string(doc), snippet) {
			t.Errorf("docs/notify.md does not contain the tested %s receiver verbatim", name)
		}
	}
}
