package metrics

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Recorder keeps per-release request counts, errors and latency histograms
// in one-second buckets for the last retention period, and answers the
// built-in queries from them. The local proxy records every request into a
// Recorder; it is the local runtime's metrics Provider.
//
// Quantiles come from a log-linear histogram (four buckets per doubling from
// 0.5 ms to about 2 min) interpolated linearly inside a bucket, as
// Prometheus's histogram_quantile does: within ±10% of the true value.
type Recorder struct {
	retention int64 // seconds
	mu        sync.Mutex
	series    map[seriesKey]*series
}

var _ Provider = (*Recorder)(nil)

type seriesKey struct{ service, release string }

type series struct {
	buckets []secondBucket
	first   int64 // unix second of the first record
}

type secondBucket struct {
	sec    int64
	count  uint64
	errors uint64
	sum    float64 // latency seconds
	hist   [histBuckets]uint32
}

// NewRecorder returns an empty Recorder keeping retention of history
// (at least one minute; zero means one hour).
func NewRecorder(retention time.Duration) *Recorder {
	if retention == 0 {
		retention = time.Hour
	}
	return &Recorder{retention: max(int64(retention/time.Second), 60), series: map[seriesKey]*series{}}
}

// Record counts one request served by release of service at time at.
func (r *Recorder) Record(service, release string, at time.Time, latency time.Duration, failed bool) {
	sec := at.Unix()
	r.mu.Lock()
	defer r.mu.Unlock()
	k := seriesKey{service, release}
	s := r.series[k]
	if s == nil {
		s = &series{buckets: make([]secondBucket, r.retention), first: sec}
		r.series[k] = s
	}
	b := &s.buckets[mod(sec, r.retention)]
	if b.sec != sec {
		*b = secondBucket{sec: sec}
	}
	b.count++
	if failed {
		b.errors++
	}
	secs := latency.Seconds()
	b.sum += secs
	b.hist[histIndex(secs)]++
}

// Resolve names the built-in query with its labels and step.
func (r *Recorder) Resolve(q Query) (string, error) {
	if !isBuiltin(q.Expr) {
		return "", fmt.Errorf("unknown local query %q: expected one of %s", q.Expr, strings.Join(Builtins(), ", "))
	}
	return fmt.Sprintf("%s{service=%q,release=%q}[step=%s]", q.Expr, q.Service, q.Release, stepOf(q)), nil
}

// Query answers a built-in query from the recorded buckets: one sample per
// Step-long window ending at q.End, walking back to q.Start (a window shorter
// than Step when the range is). Windows without requests are left out, except
// for request_rate, which is 0 once the release has served its first request.
func (r *Recorder) Query(_ context.Context, q Query) ([]analysis.Sample, error) {
	if _, err := r.Resolve(q); err != nil {
		return nil, err
	}
	step := max(int64(stepOf(q)/time.Second), 1)
	start, end := q.Start.Unix(), q.End.Unix()+1 // the End second counts
	start = max(start, end-r.retention)
	if end <= start {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.series[seriesKey{q.Service, q.Release}]
	if s == nil {
		return nil, nil
	}
	var out []analysis.Sample
	for e := end; e > start; e -= step {
		from := max(e-step, start)
		if e-step < start && len(out) > 0 {
			break // a partial window only when no full one fits
		}
		agg := s.aggregate(from, e, r.retention)
		v, ok := value(q.Expr, agg, float64(e-from), e > s.first)
		if ok {
			at := time.Unix(e, 0).UTC()
			if at.After(q.End) {
				at = q.End.UTC() // the window holds End's own second
			}
			out = append(out, analysis.Sample{Time: at, Value: v})
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// aggregate sums the buckets of seconds [from, to).
func (s *series) aggregate(from, to, retention int64) secondBucket {
	var agg secondBucket
	for sec := from; sec < to; sec++ {
		b := &s.buckets[mod(sec, retention)]
		if b.sec != sec || b.count == 0 {
			continue
		}
		agg.count += b.count
		agg.errors += b.errors
		agg.sum += b.sum
		for i, n := range b.hist {
			agg.hist[i] += n
		}
	}
	return agg
}

func value(expr string, b secondBucket, seconds float64, started bool) (float64, bool) {
	if expr == RequestRate {
		return float64(b.count) / seconds, started
	}
	if b.count == 0 {
		return 0, false
	}
	switch expr {
	case ErrorRate:
		return float64(b.errors) / float64(b.count), true
	case SuccessRate:
		return 1 - float64(b.errors)/float64(b.count), true
	case LatencyMean:
		return b.sum / float64(b.count), true
	case LatencyP50:
		return quantile(0.50, b.hist[:], b.count), true
	case LatencyP95:
		return quantile(0.95, b.hist[:], b.count), true
	case LatencyP99:
		return quantile(0.99, b.hist[:], b.count), true
	}
	return 0, false
}

func isBuiltin(expr string) bool {
	for _, b := range Builtins() {
		if b == expr {
			return true
		}
	}
	return false
}

func stepOf(q Query) time.Duration {
	if q.Step <= 0 {
		return DefaultStep
	}
	return q.Step
}

func mod(a, n int64) int64 { return ((a % n) + n) % n }

// The latency histogram: bucket i holds latencies in (bound(i-1), bound(i)].
const (
	histBuckets  = 72
	histBase     = 0.0005 // seconds: the upper bound of bucket 0
	histPerOctet = 4
)

func histBound(i int) float64 { return histBase * math.Exp2(float64(i)/histPerOctet) }

func histIndex(secs float64) int {
	if secs <= histBase {
		return 0
	}
	i := int(math.Ceil(math.Log2(secs/histBase) * histPerOctet))
	return min(max(i, 0), histBuckets-1)
}

// quantile interpolates the q-quantile inside the bucket that holds it.
func quantile(q float64, hist []uint32, count uint64) float64 {
	rank := q * float64(count)
	var seen float64
	for i, n := range hist {
		if n == 0 {
			continue
		}
		if seen+float64(n) >= rank {
			lo := 0.0
			if i > 0 {
				lo = histBound(i - 1)
			}
			return lo + (histBound(i)-lo)*(rank-seen)/float64(n)
		}
		seen += float64(n)
	}
	return histBound(len(hist) - 1)
}
