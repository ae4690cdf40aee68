package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"pinwheel.dev/pinwheel/internal/crash"
	"sync"
	"sync/atomic"
	"time"
)

// Load sends a steady mix of shop requests (catalog reads, product reads,
// orders) through the service's endpoint until stopped, and counts what
// came back.
type Load struct {
	endpoint func() string
	client   *http.Client
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	requests, failed atomic.Int64
	mu               sync.Mutex
	byStatus         map[int]int64
}

// LoadStats is what a Load saw.
type LoadStats struct {
	Requests int64 `json:"requests"`
	// Failed are 5xx answers and requests that got no answer.
	Failed   int64         `json:"failed"`
	ByStatus map[int]int64 `json:"byStatus"`
}

// StartLoad starts workers goroutines, each sending a request every pause.
// endpoint returns the service's base URL ("" while it has none).
func StartLoad(ctx context.Context, endpoint func() string, workers int, pause time.Duration) *Load {
	ctx, cancel := context.WithCancel(ctx)
	l := &Load{endpoint: endpoint, cancel: cancel, byStatus: map[int]int64{},
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}}
	for w := range workers {
		l.wg.Add(1)
		crash.Go(func() { l.work(ctx, w, pause) })
	}
	return l
}

func (l *Load) work(ctx context.Context, worker int, pause time.Duration) {
	defer l.wg.Done()
	for i := 0; ctx.Err() == nil; i++ {
		base := l.endpoint()
		if base == "" {
			sleep(ctx, 50*time.Millisecond)
			continue
		}
		var req *http.Request
		switch (i + worker) % 4 {
		case 0, 1:
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/products", nil)
		case 2:
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/products/%d", base, 1+i%4), nil)
		default:
			body := fmt.Sprintf(`{"product_id": %d, "quantity": %d}`, 1+i%4, 1+i%3)
			req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/orders", bytes.NewBufferString(body))
			req.Header.Set("Content-Type", "application/json")
		}
		status := 0
		resp, err := l.client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		} else if ctx.Err() != nil {
			return // stopping: not the service's failure
		}
		l.requests.Add(1)
		if status == 0 || status >= 500 {
			l.failed.Add(1)
		}
		l.mu.Lock()
		l.byStatus[status]++
		l.mu.Unlock()
		sleep(ctx, pause)
	}
}

// Stats returns the counts so far.
func (l *Load) Stats() LoadStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	by := make(map[int]int64, len(l.byStatus))
	for k, v := range l.byStatus {
		by[k] = v
	}
	return LoadStats{Requests: l.requests.Load(), Failed: l.failed.Load(), ByStatus: by}
}

// Stop stops the workers and returns the final counts.
func (l *Load) Stop() LoadStats {
	l.cancel()
	l.wg.Wait()
	return l.Stats()
}

// Sub returns the counts s saw beyond before.
func (s LoadStats) Sub(before LoadStats) LoadStats {
	out := LoadStats{Requests: s.Requests - before.Requests, Failed: s.Failed - before.Failed, ByStatus: map[int]int64{}}
	for k, v := range s.ByStatus {
		if d := v - before.ByStatus[k]; d != 0 {
			out.ByStatus[k] = d
		}
	}
	return out
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
