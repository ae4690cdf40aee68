package pyindex

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// progress draws "fetching wheels n/total (k cached, X MB)" on one terminal
// line. It draws nothing unless w is a terminal.
type progress struct {
	mu           sync.Mutex
	w            io.Writer
	total, n     int
	hits         int
	bytes        int64
	drewAnything bool
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{w: w, total: total}
}

func (p *progress) done(f Fetched) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.bytes += f.Size
	if f.CacheHit {
		p.hits++
	}
	fmt.Fprintf(p.w, "\r\x1b[Kfetching wheels %d/%d (%d cached, %.1f MB)", p.n, p.total, p.hits, float64(p.bytes)/1e6)
	p.drewAnything = true
}

func (p *progress) finish() {
	if p.w != nil && p.drewAnything {
		fmt.Fprintln(p.w)
	}
}
