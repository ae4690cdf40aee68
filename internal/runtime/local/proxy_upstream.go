package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"syscall"
	"time"
)

// upstreamTransport carries a request without a body to a replica on the
// calling goroutine, over a pool of keep-alive HTTP/1.1 connections per
// replica: write the request, read the response, hand the connection back
// when its body has been read to the end. http.Transport does the same
// exchange through two goroutines per connection (a writer and a reader)
// and channels between them and the caller — three to four goroutine
// hand-offs per request, which on a busy machine cost more than the
// proxying itself (see docs/benchmarks.md). Requests with a body (whose
// upload must overlap an early answer) and protocol upgrades go to
// fallback, a plain http.Transport.
type upstreamTransport struct {
	dialer        net.Dialer
	headerTimeout time.Duration // 0: none
	maxIdle       int           // idle connections kept per replica
	idleTimeout   time.Duration
	fallback      *http.Transport

	mu    sync.Mutex
	pools map[*replica]*hostPool
}

func newUpstreamTransport(headerTimeout time.Duration) *upstreamTransport {
	return &upstreamTransport{
		dialer:        net.Dialer{Timeout: 2 * time.Second},
		headerTimeout: headerTimeout,
		maxIdle:       64,
		idleTimeout:   30 * time.Second,
		pools:         map[*replica]*hostPool{},
		fallback: &http.Transport{
			Proxy:                 nil,
			DialContext:           (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: headerTimeout,
			DisableCompression:    true, // pass the client's Accept-Encoding through, never add gzip
		},
	}
}

// hostPool is the idle connections to one replica, newest last.
type hostPool struct {
	t    *upstreamTransport
	rep  *replica
	addr string

	mu   sync.Mutex
	idle []*upConn
}

type upConn struct {
	nc     net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	pool   *hostPool
	idleAt time.Time
	reused bool
}

func (t *upstreamTransport) pool(rep *replica) *hostPool {
	t.mu.Lock()
	p := t.pools[rep]
	if p == nil {
		p = &hostPool{t: t, rep: rep, addr: rep.addr()}
		t.pools[rep] = p
	}
	t.mu.Unlock()
	return p
}

// send sends req to rep, pooled when it has no body.
func (t *upstreamTransport) send(req *http.Request, rep *replica) (*http.Response, error) {
	p := t.pool(rep)
	req.URL.Host = p.addr
	if !pooledPath(req) {
		return t.fallback.RoundTrip(req)
	}
	// A request that may be sent twice is retried once on a new connection
	// when a reused one turns out closed before any answer (the replica
	// restarted, or closed it while idle). Any other request gets a
	// connection checked to be still open.
	replayable := idempotent(req.Method)
	fresh := false
	for {
		c, err := p.get(req.Context(), fresh, !replayable)
		if err != nil {
			return nil, err
		}
		resp, nothing, err := t.exchange(req, c)
		if err == nil {
			return resp, nil
		}
		c.nc.Close()
		if nothing && c.reused && replayable && !fresh && req.Context().Err() == nil {
			p.closeIdle() // they were opened before this one: likely closed too
			fresh = true
			continue
		}
		return nil, err
	}
}

// pooledPath reports whether req can take the pooled, same-goroutine path:
// no body and no protocol upgrade.
func pooledPath(req *http.Request) bool {
	return (req.Body == nil || req.Body == http.NoBody) && req.ContentLength <= 0 &&
		len(req.TransferEncoding) == 0 && req.Header.Get("Upgrade") == ""
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

var aLongTimeAgo = time.Unix(1, 0)

func neverStopped() bool { return true }

// exchange writes req on c and reads the response head. nothing reports
// that the replica sent not a byte before err (so the request may not have
// reached it).
func (t *upstreamTransport) exchange(req *http.Request, c *upConn) (resp *http.Response, nothing bool, err error) {
	ctx := req.Context()
	// A client that goes away aborts the exchange: the pending read or
	// write fails at once.
	stop := neverStopped
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { c.nc.SetDeadline(aLongTimeAgo) })
	}
	fail := func(nothing bool, err error) (*http.Response, bool, error) {
		stop()
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return nil, nothing, fmt.Errorf("replica %s: %w", c.pool.addr, err)
	}
	if err := req.Write(c.bw); err != nil {
		return fail(true, err)
	}
	if err := c.bw.Flush(); err != nil {
		return fail(true, err)
	}
	if t.headerTimeout > 0 {
		c.nc.SetReadDeadline(time.Now().Add(t.headerTimeout))
	}
	if _, err := c.br.Peek(1); err != nil {
		if isTimeout(err) && ctx.Err() == nil {
			err = fmt.Errorf("timeout awaiting response headers: %w", err)
		}
		return fail(true, err)
	}
	for {
		resp, err = http.ReadResponse(c.br, req)
		if err != nil {
			if isTimeout(err) && ctx.Err() == nil {
				err = fmt.Errorf("timeout awaiting response headers: %w", err)
			}
			return fail(false, err)
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		// 1xx (e.g. 103 Early Hints): forwarded through ReverseProxy's
		// trace hook, as http.Transport does; the final answer follows.
		if trace := httptrace.ContextClientTrace(ctx); trace != nil && trace.Got1xxResponse != nil {
			if err := trace.Got1xxResponse(resp.StatusCode, textproto.MIMEHeader(resp.Header)); err != nil {
				return fail(false, err)
			}
		}
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return fail(false, errors.New("101 Switching Protocols to a request without Upgrade"))
	}
	if t.headerTimeout > 0 {
		c.nc.SetReadDeadline(time.Time{})
	}
	b := &upBody{rc: resp.Body, c: c, stop: stop, keep: !resp.Close && !req.Close}
	if resp.Body == http.NoBody {
		b.finish(true)
		return resp, false, nil
	}
	resp.Body = b
	return resp, false, nil
}

// upBody returns its connection to the pool when read to the end, and
// closes it when closed before.
type upBody struct {
	rc   io.ReadCloser
	c    *upConn
	stop func() bool
	keep bool
	done bool
}

func (b *upBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	if err != nil {
		b.finish(err == io.EOF)
	}
	return n, err
}

func (b *upBody) Close() error {
	if !b.done {
		b.finish(false)
	}
	return nil
}

func (b *upBody) finish(eof bool) {
	b.done = true
	// stop is false when the client went away and the deadline is poisoned.
	if b.stop() && eof && b.keep {
		b.c.pool.put(b.c)
		return
	}
	b.c.nc.Close()
}

// get returns an idle connection (newest first) or dials one. fresh skips
// the idle ones; check makes sure an idle one is still open.
func (p *hostPool) get(ctx context.Context, fresh, check bool) (*upConn, error) {
	for !fresh {
		p.mu.Lock()
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			break
		}
		c := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if check && !stillOpen(c.nc) {
			c.nc.Close()
			continue
		}
		c.reused = true
		return c, nil
	}
	nc, err := p.t.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, err
	}
	return &upConn{nc: nc, br: bufio.NewReaderSize(nc, 4096), bw: bufio.NewWriterSize(nc, 4096), pool: p}, nil
}

func (p *hostPool) put(c *upConn) {
	if p.rep.draining.Load() {
		c.nc.Close() // leaving rotation: nothing more will be sent to it
		return
	}
	c.idleAt = time.Now()
	p.mu.Lock()
	if len(p.idle) < p.t.maxIdle {
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		c.nc.Close()
	}
}

func (p *hostPool) closeIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, c := range idle {
		c.nc.Close()
	}
}

// sweep closes the idle connections of replicas that left rotation and
// those idle longer than idleTimeout, and forgets pools left empty by
// replicas that left rotation.
func (t *upstreamTransport) sweep(now time.Time) {
	t.mu.Lock()
	pools := make([]*hostPool, 0, len(t.pools))
	for _, p := range t.pools {
		pools = append(pools, p)
	}
	t.mu.Unlock()
	for _, p := range pools {
		gone := p.rep.draining.Load()
		var closing []*upConn
		p.mu.Lock()
		keep := p.idle[:0]
		for _, c := range p.idle {
			if gone || now.Sub(c.idleAt) > t.idleTimeout {
				closing = append(closing, c)
			} else {
				keep = append(keep, c)
			}
		}
		clear(p.idle[len(keep):])
		p.idle = keep
		p.mu.Unlock()
		for _, c := range closing {
			c.nc.Close()
		}
		if gone {
			t.mu.Lock()
			delete(t.pools, p.rep)
			t.mu.Unlock()
		}
	}
}

// janitor sweeps every interval until stop is closed, then closes every
// idle connection.
func (t *upstreamTransport) janitor(interval time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case now := <-tick.C:
			t.sweep(now)
		case <-stop:
			t.mu.Lock()
			for rep, p := range t.pools {
				p.closeIdle()
				delete(t.pools, rep)
			}
			t.mu.Unlock()
			t.fallback.CloseIdleConnections()
			return
		}
	}
}

// stillOpen peeks at an idle connection without blocking: an idle HTTP/1.1
// connection has nothing to read, so EOF or any data means it cannot be
// used.
func stillOpen(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	open := true
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = err == syscall.EAGAIN || err == syscall.EWOULDBLOCK
		return true
	})
	return err == nil && open
}
