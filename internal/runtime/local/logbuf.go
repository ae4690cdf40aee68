package local

import (
	"bytes"
	"io"
	"sync"
)

// logRing keeps the newest lines a release's replicas wrote.
type logRing struct {
	mu    sync.Mutex
	lines []string
	next  int
	full  bool
}

func newLogRing(n int) *logRing { return &logRing{lines: make([]string, n)} }

func (r *logRing) add(line string) {
	r.mu.Lock()
	r.lines[r.next] = line
	r.next = (r.next + 1) % len(r.lines)
	r.full = r.full || r.next == 0
	r.mu.Unlock()
}

// tail returns up to n of the newest lines, oldest first.
func (r *logRing) tail(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []string
	if r.full {
		all = append(append(all, r.lines[r.next:]...), r.lines[:r.next]...)
	} else {
		all = append(all, r.lines[:r.next]...)
	}
	if n > 0 && len(all) > n {
		all = all[len(all)-n:]
	}
	return all
}

// lineWriter splits a process's output into lines, prefixes each with the
// replica name into the ring, and copies the raw bytes to file.
type lineWriter struct {
	prefix string
	ring   *logRing
	file   io.Writer
	mu     sync.Mutex
	buf    []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.file != nil {
		w.file.Write(p)
	}
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.ring.add(w.prefix + string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 8192 { // a very long line without a newline
		w.ring.add(w.prefix + string(w.buf))
		w.buf = w.buf[:0]
	}
	return len(p), nil
}
