package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestIndexServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- Execute(ctx, Streams{In: strings.NewReader(""), Out: &out, Err: &errb},
			[]string{"index", "serve", "../../examples/hello/wheelhouse", "--addr", "127.0.0.1:0"})
	}()
	urlRE := regexp.MustCompile(`http://\S+/simple/`)
	var base string
	for i := 0; i < 500 && base == ""; i++ {
		base = urlRE.FindString(out.String())
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" {
		cancel()
		t.Fatalf("no URL printed; stdout %q stderr %q", out.String(), errb.String())
	}
	req, _ := http.NewRequest(http.MethodGet, base+"greetlib/", nil)
	req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/vnd.pypi.simple.v1+json" || !strings.Contains(string(body), `"filename":"greetlib-1.0.0-py3-none-any.whl"`) {
		t.Errorf("project page %s: %s", resp.Header.Get("Content-Type"), body)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Errorf("exit %d after interrupt; stderr %q", c, errb.String())
	}
}

func TestIndexServeRejectsMissingDir(t *testing.T) {
	code, _, stderr := runPinwheel(t, "index", "serve", "/nonexistent/wheelhouse")
	if code != 2 || !strings.Contains(stderr, "is not a directory") {
		t.Errorf("exit %d stderr %q, want 2 and a message", code, stderr)
	}
}
