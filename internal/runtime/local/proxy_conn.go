package local

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// connLoop serves a keep-alive HTTP/1.1 client connection after net/http
// handed it over (Hijack) on its first bodiless request: the following
// requests are read and answered on the same goroutine. net/http starts a
// goroutine per request to watch the idle connection (its background read)
// and wakes it again when the handler returns; on a busy machine those
// wake-ups cost more than the proxying (docs/benchmarks.md).
//
// What it keeps from net/http: the request parser (http.ReadRequest), the
// 1 MiB header limit, the header read timeout, 400 on a malformed request
// or a missing Host, 100-continue, the Date header, Content-Length for
// answers written at once and chunking otherwise, trailers, Hijack for
// upgrades (ReverseProxy's WebSocket path), and shutdown: idle connections
// close when the server shuts down. What it drops: the background read, so
// a client that goes away mid-request is noticed only when its answer is
// written.
type connLoop struct {
	p             *proxy
	headerTimeout time.Duration
	closing       atomic.Bool

	mu    sync.Mutex
	conns map[*loopConn]struct{}
}

const maxHeaderBytes = 1<<20 + 4096 // net/http's DefaultMaxHeaderBytes plus its slack

// loopConn is a client connection the loop serves.
type loopConn struct {
	nc     net.Conn
	src    *limitedConn
	br     *bufio.Reader
	bw     *bufio.Writer
	remote string
	idle   atomic.Bool
}

// limitedConn reads what net/http had buffered, then the connection, at
// most limit bytes while limit >= 0 (a request head).
type limitedConn struct {
	nc       net.Conn
	leftover []byte
	limit    int64
}

func (c *limitedConn) Read(p []byte) (int, error) {
	if c.limit == 0 {
		return 0, errHeadTooLarge
	}
	if c.limit > 0 && int64(len(p)) > c.limit {
		p = p[:c.limit]
	}
	var n int
	var err error
	if len(c.leftover) > 0 {
		n = copy(p, c.leftover)
		c.leftover = c.leftover[n:]
	} else {
		n, err = c.nc.Read(p)
	}
	if c.limit > 0 {
		c.limit -= int64(n)
	}
	return n, err
}

var errHeadTooLarge = errors.New("request head too large")

// takeOver reports whether the connection of r can be served by the loop
// from now on.
func takeOver(r *http.Request) bool {
	return r.ProtoMajor == 1 && r.ProtoMinor == 1 && !r.Close &&
		(r.Body == nil || r.Body == http.NoBody) && r.ContentLength == 0 &&
		r.Header.Get("Upgrade") == "" && r.Header.Get("Expect") == "" && r.TLS == nil
}

func (l *connLoop) shutdown() {
	l.closing.Store(true)
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		if c.idle.Load() {
			c.nc.SetReadDeadline(aLongTimeAgo)
		}
	}
}

// serve answers first (already read by net/http) and the connection's
// following requests until the client or the server closes it.
func (l *connLoop) serve(nc net.Conn, brw *bufio.ReadWriter, first *http.Request) {
	src := &limitedConn{nc: nc, limit: -1}
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		src.leftover = append([]byte(nil), b...)
	}
	c := &loopConn{nc: nc, src: src, br: bufio.NewReaderSize(src, 4096), bw: bufio.NewWriterSize(nc, 4096), remote: first.RemoteAddr}
	l.mu.Lock()
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	hijacked := false
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		if !hijacked {
			nc.Close()
		}
	}()
	// The loop does not watch the connection while a request is served, so
	// its requests' context is never cancelled (and the upstream exchange
	// skips watching it).
	ctx := context.WithoutCancel(first.Context())
	req := first.WithContext(ctx)
	for {
		w := &loopWriter{c: c, req: req, h: http.Header{}}
		var body *eofBody
		if req.Body != nil && req.Body != http.NoBody {
			body = &eofBody{ReadCloser: req.Body}
			req.Body = body
			if strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
				req.Body = &continueReader{ReadCloser: body, w: w}
			}
		}
		l.p.serve(w, req)
		if w.hijacked {
			hijacked = true
			return
		}
		keep := w.finish()
		if err := c.bw.Flush(); err != nil || !keep || l.closing.Load() {
			return
		}
		if body != nil && !body.eof.Load() {
			// The body was not read to its end (the replica answered
			// early): the transport may still be reading it on another
			// goroutine, so the connection cannot carry another request.
			return
		}
		var err error
		if req, err = l.next(ctx, c); req == nil {
			if err != nil {
				code := http.StatusBadRequest
				if errors.Is(err, errHeadTooLarge) {
					code = http.StatusRequestHeaderFieldsTooLarge
				}
				msg := strconv.Itoa(code) + " " + http.StatusText(code)
				io.WriteString(c.bw, "HTTP/1.1 "+msg+"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "+
					strconv.Itoa(len(msg))+"\r\nConnection: close\r\n\r\n"+msg)
				c.bw.Flush()
			}
			return
		}
	}
}

// next reads the connection's next request; a nil request with a nil error
// means the client closed or the server is shutting down.
func (l *connLoop) next(ctx context.Context, c *loopConn) (*http.Request, error) {
	c.idle.Store(true)
	if l.closing.Load() {
		return nil, nil
	}
	// Wait for the first byte without a deadline (keep-alive has none), then
	// give the head headerTimeout, as net/http does.
	_, err := c.br.Peek(1)
	c.idle.Store(false)
	if err != nil {
		return nil, nil
	}
	// A head that arrived whole (the usual case) needs no deadline: setting
	// and clearing one costs two timer updates per request.
	deadline := l.headerTimeout > 0 && !headBuffered(c.br)
	if deadline {
		c.nc.SetReadDeadline(time.Now().Add(l.headerTimeout))
	}
	c.src.limit = maxHeaderBytes - int64(c.br.Buffered())
	req, err := http.ReadRequest(c.br)
	c.src.limit = -1
	if deadline {
		c.nc.SetReadDeadline(time.Time{})
	}
	if err != nil {
		if errors.Is(err, errHeadTooLarge) {
			return nil, err
		}
		if errors.Is(err, io.EOF) || isTimeout(err) {
			return nil, nil
		}
		return nil, err
	}
	if req.ProtoMajor != 1 {
		return nil, errors.New("unsupported protocol version")
	}
	if req.ProtoAtLeast(1, 1) && req.Host == "" && req.Method != http.MethodConnect {
		return nil, errors.New("missing required Host header") // ReadRequest refused a repeated one
	}
	if e := req.Header.Get("Expect"); e != "" && !strings.EqualFold(e, "100-continue") {
		return nil, errors.New("unsupported Expect")
	}
	req.RemoteAddr = c.remote
	return req.WithContext(ctx), nil
}

// headBuffered reports whether br holds a whole request head.
func headBuffered(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	return bytes.Contains(b, []byte("\r\n\r\n"))
}

// eofBody notes that a request body was read to its end.
type eofBody struct {
	io.ReadCloser
	eof atomic.Bool
}

func (b *eofBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof.Store(true)
	}
	return n, err
}

// continueReader sends "100 Continue" before the body's first read.
type continueReader struct {
	io.ReadCloser
	w    *loopWriter
	sent bool
}

func (r *continueReader) Read(p []byte) (int, error) {
	if !r.sent {
		// The transport reads the body on its own goroutine: the head
		// lock keeps this write and the answer's head apart.
		r.sent = true
		r.w.headMu.Lock()
		if !r.w.wroteHead {
			r.w.sentContinue = true
			io.WriteString(r.w.c.bw, "HTTP/1.1 100 Continue\r\n\r\n")
			r.w.c.bw.Flush()
		}
		r.w.headMu.Unlock()
	}
	return r.ReadCloser.Read(p)
}

// loopWriter is the http.ResponseWriter of a request the loop serves.
type loopWriter struct {
	c   *loopConn
	req *http.Request
	h   http.Header

	headMu       sync.Mutex // wroteHead and sentContinue, against continueReader
	status       int
	wroteHead    bool
	sentContinue bool
	chunked      bool
	closeAfter   bool
	noBody       bool
	declared     int64 // Content-Length sent, -1 none
	written      int64
	pending      []byte // body before the head is written (up to pendingMax)
	hijacked     bool
}

const pendingMax = 2048 // net/http's bufferBeforeChunkingSize

func (w *loopWriter) Header() http.Header { return w.h }

func (w *loopWriter) WriteHeader(code int) {
	if w.status != 0 || w.hijacked {
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.headMu.Lock()
		defer w.headMu.Unlock()
		if code == http.StatusContinue && w.sentContinue {
			return
		}
		w.c.bw.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
		w.h.Write(w.c.bw)
		w.c.bw.WriteString("\r\n")
		w.c.bw.Flush()
		return
	}
	w.status = code
}

func (w *loopWriter) Write(b []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.wroteHead {
		if w.h.Get("Content-Length") == "" && len(w.pending)+len(b) <= pendingMax && !w.bodyless() {
			w.pending = append(w.pending, b...)
			return len(b), nil
		}
		w.writeHead(false)
	}
	return w.writeBody(b)
}

func (w *loopWriter) bodyless() bool {
	return w.req.Method == http.MethodHead || w.status == http.StatusNoContent || w.status == http.StatusNotModified
}

func (w *loopWriter) writeBody(b []byte) (int, error) {
	if w.noBody || len(b) == 0 {
		return len(b), nil
	}
	if w.declared >= 0 && w.written+int64(len(b)) > w.declared {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(b))
	if w.chunked {
		w.c.bw.WriteString(strconv.FormatInt(int64(len(b)), 16))
		w.c.bw.WriteString("\r\n")
	}
	n, err := w.c.bw.Write(b)
	if w.chunked && err == nil {
		_, err = w.c.bw.WriteString("\r\n")
	}
	return n, err
}

// writeHead writes the status line and headers. final: the handler is
// done, so a body not yet written gets a Content-Length.
func (w *loopWriter) writeHead(final bool) {
	w.headMu.Lock()
	defer w.headMu.Unlock()
	w.wroteHead = true
	w.declared = -1
	bw := w.c.bw
	w.noBody = w.bodyless()
	if cl := w.h.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.declared = n
		} else {
			delete(w.h, "Content-Length")
		}
	}
	if w.declared < 0 && !w.noBody {
		switch {
		case final:
			w.declared = int64(len(w.pending))
			w.h.Set("Content-Length", strconv.Itoa(len(w.pending)))
		case w.req.ProtoAtLeast(1, 1):
			w.chunked = true
		default:
			w.closeAfter = true // an HTTP/1.0 body ends with the connection
		}
	}
	if _, ok := w.h["Content-Type"]; !ok && len(w.pending) > 0 && w.h.Get("Content-Encoding") == "" {
		w.h.Set("Content-Type", http.DetectContentType(w.pending))
	}
	if _, ok := w.h["Date"]; !ok {
		w.h["Date"] = []string{time.Now().UTC().Format(http.TimeFormat)}
	}
	if w.req.Close || (!w.req.ProtoAtLeast(1, 1) && !strings.EqualFold(w.req.Header.Get("Connection"), "keep-alive")) {
		w.closeAfter = true
	}
	bw.WriteString("HTTP/1.1 ")
	bw.WriteString(strconv.Itoa(w.status))
	bw.WriteString(" ")
	bw.WriteString(http.StatusText(w.status))
	bw.WriteString("\r\n")
	trailers := w.h["Trailer"]
	if !w.chunked {
		delete(w.h, "Trailer")
	}
	w.h.Write(bw)
	if trailers != nil && !w.chunked {
		w.h["Trailer"] = trailers
	}
	if w.chunked {
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	if w.closeAfter {
		bw.WriteString("Connection: close\r\n")
	} else if !w.req.ProtoAtLeast(1, 1) {
		bw.WriteString("Connection: keep-alive\r\n")
	}
	bw.WriteString("\r\n")
	if len(w.pending) > 0 {
		p := w.pending
		w.pending = nil
		w.writeBody(p)
	}
}

// Flush sends what is written so far (http.Flusher; ReverseProxy flushes
// streamed answers).
func (w *loopWriter) Flush() {
	if w.hijacked {
		return
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.wroteHead {
		w.writeHead(false)
	}
	w.c.bw.Flush()
}

// Hijack hands the connection to the handler (ReverseProxy's upgrades).
func (w *loopWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.wroteHead || w.hijacked {
		return nil, nil, errors.New("connection already answered")
	}
	w.hijacked = true
	return w.c.nc, bufio.NewReadWriter(w.c.br, w.c.bw), nil
}

// finish completes the answer and reports whether the connection can
// carry another request.
func (w *loopWriter) finish() bool {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.wroteHead {
		w.writeHead(true)
	}
	if w.chunked {
		bw := w.c.bw
		bw.WriteString("0\r\n")
		for _, k := range w.trailerKeys() {
			for _, v := range w.h[k] {
				bw.WriteString(strings.TrimPrefix(k, http.TrailerPrefix) + ": " + strings.NewReplacer("\r", " ", "\n", " ").Replace(v) + "\r\n")
			}
		}
		bw.WriteString("\r\n")
	}
	if w.declared >= 0 && !w.noBody && w.written != w.declared {
		return false // a short body: the client must see the connection end
	}
	return !w.closeAfter
}

func (w *loopWriter) trailerKeys() []string {
	var keys []string
	for _, v := range w.h["Trailer"] {
		for _, k := range strings.Split(v, ",") {
			if k = http.CanonicalHeaderKey(strings.TrimSpace(k)); k != "" {
				keys = append(keys, k)
			}
		}
	}
	for k := range w.h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			keys = append(keys, k)
		}
	}
	return keys
}
