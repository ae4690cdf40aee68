package local

import (
	"sync"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// failureRing keeps the newest failing requests of a service.
type failureRing struct {
	mu   sync.Mutex
	buf  []runtime.FailedRequest
	next int
	n    int
}

func newFailureRing(size int) *failureRing {
	return &failureRing{buf: make([]runtime.FailedRequest, size)}
}

func (f *failureRing) add(r runtime.FailedRequest) {
	f.mu.Lock()
	f.buf[f.next] = r
	f.next = (f.next + 1) % len(f.buf)
	f.n = min(f.n+1, len(f.buf))
	f.mu.Unlock()
}

// list returns up to limit of the newest failures of release (all releases
// when empty), newest last.
func (f *failureRing) list(release string, limit int) []runtime.FailedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.FailedRequest
	for i := 0; i < f.n && (limit <= 0 || len(out) < limit); i++ {
		r := f.buf[(f.next-1-i+len(f.buf))%len(f.buf)]
		if release == "" || r.Release == release {
			out = append(out, r)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
