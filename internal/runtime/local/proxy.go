package local

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"syscall"
	"time"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// attempt is the per-request routing state shared by the handler, the
// transport (which may retry on another replica) and the error handler.
type attempt struct {
	rel     *release
	rep     *replica
	err     error
	retried bool
}

type attemptKey struct{}

// proxy is a service's reverse proxy.
type proxy struct {
	s      *service
	rp     *httputil.ReverseProxy
	up     *upstreamTransport
	loop   *connLoop
	series sync.Map // seriesKey → *promSeries
}

func newProxy(s *service) *proxy {
	p := &proxy{s: s, up: newUpstreamTransport(s.rt.opts.upstreamTimeout)}
	// net/http's Server.ReadHeaderTimeout for the service (runtime.go).
	p.loop = &connLoop{p: p, headerTimeout: 10 * time.Second, conns: map[*loopConn]struct{}{}}
	go func() {
		defer crash.Recover()
		p.up.janitor(time.Second, s.rt.stop)
		p.loop.shutdown()
	}()
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = "replica" // the transport picks the replica
			pr.SetXForwarded()
		},
		Transport:  retryTransport{up: p.up},
		BufferPool: copyBuffers,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			a := r.Context().Value(attemptKey{}).(*attempt)
			a.err = err
			code := http.StatusBadGateway
			if isTimeout(err) {
				code = http.StatusGatewayTimeout
			}
			http.Error(w, "pinwheel proxy: "+err.Error(), code)
		},
	}
	return p
}

// copyBuffers are the response-copying buffers of every proxy
// (httputil.ReverseProxy allocates 32 KiB per request without one).
var copyBuffers = &bufferPool{sync.Pool{New: func() any { b := make([]byte, 32*1024); return &b }}}

type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() []byte  { return *b.p.Get().(*[]byte) }
func (b *bufferPool) Put(p []byte) { b.p.Put(&p) }

// ServeHTTP answers r, and takes the connection over from net/http when it
// can (connLoop).
func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if takeOver(r) && !p.loop.closing.Load() {
		if nc, brw, err := http.NewResponseController(w).Hijack(); err == nil {
			p.loop.serve(nc, brw, r)
			return
		}
	}
	p.serve(w, r)
}

func (p *proxy) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rel, other := p.s.pickRelease()
	var rep *replica
	if rel != nil {
		if rep = rel.pick(nil); rep == nil && other != nil {
			rel = other
			rep = rel.pick(nil)
		}
	}
	if rep == nil {
		// With both releases routed and neither ready (e.g. a restarted
		// runtime bringing replicas back) the outage is the service's, not
		// evidence against the release the weight happened to pick.
		id := ""
		if rel != nil && other == nil {
			id = rel.id
		}
		http.Error(w, "pinwheel proxy: no ready replica for service "+p.s.name, http.StatusServiceUnavailable)
		p.record(r, id, "", http.StatusServiceUnavailable, errors.New("no ready replica"), time.Since(start), nil)
		return
	}
	a := &attempt{rel: rel, rep: rep}
	rw := &recordingWriter{ResponseWriter: w}
	p.rp.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), attemptKey{}, a)))
	a.rep.inflight.Add(-1)
	if r.Context().Err() != nil && a.err != nil {
		return // the client went away; not the release's failure
	}
	p.record(r, rel.id, a.rep.name, rw.code(), a.err, time.Since(start), rw.snippet)
}

func (p *proxy) record(r *http.Request, relID, replica string, code int, err error, latency time.Duration, body []byte) {
	failed := code >= 500 || err != nil
	now := time.Now()
	p.s.rt.recorder.Record(p.s.name, relID, now, latency, failed)
	p.observe(relID, code, err, latency)
	if failed {
		fr := runtime.FailedRequest{Time: now.UTC(), Release: relID, Replica: replica, Method: r.Method,
			Path: r.URL.RequestURI(), Status: code, Latency: latency, Body: string(body)}
		if err != nil {
			fr.Error = err.Error()
		}
		p.s.failures.add(fr)
	}
}

// retryTransport sends the request to the attempt's replica and retries an
// idempotent, bodiless request once on another ready replica of the same
// release when the first could not be reached (refused, reset or closed
// before any response header).
type retryTransport struct{ up *upstreamTransport }

func (t retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	a := req.Context().Value(attemptKey{}).(*attempt)
	resp, err := t.up.send(req, a.rep)
	if err == nil || !retryable(req, err) {
		return resp, err
	}
	next := a.rel.pick(a.rep)
	if next == nil {
		return resp, err
	}
	a.rep.inflight.Add(-1)
	a.rep, a.retried = next, true
	return t.up.send(req.Clone(req.Context()), next)
}

func retryable(req *http.Request, err error) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
	default:
		return false
	}
	if req.Body != nil && req.Body != http.NoBody {
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// recordingWriter remembers the status and the start of a 5xx body.
type recordingWriter struct {
	http.ResponseWriter
	status  int
	snippet []byte
}

const snippetMax = 512

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 500 && len(w.snippet) < snippetMax {
		w.snippet = append(w.snippet, b[:min(len(b), snippetMax-len(w.snippet))]...)
	}
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recordingWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

func codeLabel(code int) string { return strconv.Itoa(code) }
