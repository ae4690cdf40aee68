package main

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// counter counts the HTTP requests of one API client by verb and resource.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func newCounter() *counter { return &counter{n: map[string]int{}} }

func (c *counter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		k := verb(req) + " " + resource(req.URL.Path)
		resp, err := rt.RoundTrip(req)
		c.mu.Lock()
		c.n[k]++
		if err == nil && resp.StatusCode >= 400 {
			c.n[fmt.Sprintf("%s → %d", k, resp.StatusCode)]++
		}
		c.mu.Unlock()
		return resp, err
	})
}

func (c *counter) copy() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func verb(r *http.Request) string {
	if r.URL.Query().Get("watch") == "true" {
		return "WATCH"
	}
	return r.Method
}

// resource is the API resource of a request path ("deployments",
// "releases/status"), without namespace and name.
func resource(path string) string {
	s := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(s) >= 2 && s[0] == "api":
		s = s[2:]
	case len(s) >= 3 && s[0] == "apis":
		s = s[3:]
	default:
		return path
	}
	if len(s) > 2 && s[0] == "namespaces" {
		s = s[2:]
	}
	if len(s) == 0 {
		return "?"
	}
	if len(s) >= 3 {
		return s[0] + "/" + s[2]
	}
	return s[0]
}

// hist is a cumulative Prometheus histogram.
type hist struct {
	bounds []float64
	cum    []uint64
	count  uint64
	sum    float64
}

func histOf(m *dto.Metric) hist {
	h := m.GetHistogram()
	var out hist
	for _, b := range h.GetBucket() {
		out.bounds = append(out.bounds, b.GetUpperBound())
		out.cum = append(out.cum, b.GetCumulativeCount())
	}
	out.count, out.sum = h.GetSampleCount(), h.GetSampleSum()
	return out
}

func (h hist) minus(o hist) hist {
	out := hist{bounds: h.bounds, cum: make([]uint64, len(h.cum)), count: h.count - o.count, sum: h.sum - o.sum}
	for i := range h.cum {
		out.cum[i] = h.cum[i]
		if i < len(o.cum) {
			out.cum[i] -= o.cum[i]
		}
	}
	return out
}

// quantile interpolates linearly inside the bucket holding the q-th
// observation; above the last bound it returns +Inf.
func (h hist) quantile(q float64) float64 {
	if h.count == 0 {
		return math.NaN()
	}
	rank := q * float64(h.count)
	lower, below := 0.0, uint64(0)
	for i, c := range h.cum {
		if float64(c) >= rank {
			in := c - below
			if in == 0 {
				return h.bounds[i]
			}
			return lower + (h.bounds[i]-lower)*(rank-float64(below))/float64(in)
		}
		lower, below = h.bounds[i], c
	}
	return math.Inf(1)
}

// maxBound is the upper bound of the highest non-empty bucket.
func (h hist) maxBound() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	for i, c := range h.cum {
		if c == h.count {
			return h.bounds[i]
		}
	}
	return math.Inf(1)
}

// metrics gathers controller-runtime's registry: the named histograms
// (first series whose labels include label=value, if given) and gauges.
func gather() (hists map[string]hist, gauges map[string]float64) {
	hists, gauges = map[string]hist{}, map[string]float64{}
	fams, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return
	}
	want := map[string][2]string{
		"pinwheel_controller_reconcile_seconds":     {},
		"controller_runtime_reconcile_time_seconds": {"controller", "release"},
		"workqueue_queue_duration_seconds":          {"name", "release"},
		"workqueue_work_duration_seconds":           {"name", "release"},
		"workqueue_depth":                           {"name", "release"},
		"controller_runtime_reconcile_total":        {"controller", "release"},
	}
	for _, f := range fams {
		sel, ok := want[f.GetName()]
		if !ok {
			continue
		}
		for _, m := range f.GetMetric() {
			if sel[0] != "" && !hasLabel(m, sel[0], sel[1]) {
				continue
			}
			if f.GetName() == "controller_runtime_reconcile_total" {
				for _, l := range m.GetLabel() {
					if l.GetName() == "result" {
						gauges["result "+l.GetValue()] = m.GetCounter().GetValue()
					}
				}
				continue
			}
			if f.GetType() == dto.MetricType_HISTOGRAM {
				hists[f.GetName()] = histOf(m)
			} else if m.GetGauge() != nil {
				gauges[f.GetName()] = m.GetGauge().GetValue()
			}
		}
	}
	return hists, gauges
}

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == k && l.GetValue() == v {
			return true
		}
	}
	return false
}

// snap is the process's counters at one moment.
type snap struct {
	at       time.Time
	hists    map[string]hist
	counters map[string]float64
	requests map[string]int
	cpu      time.Duration // this process, user+system
	cluster  time.Duration // the control plane's processes, user+system
}

// clusterPids is the directory of the control plane's pid files (kwokctl's
// clusters/<name>/pids), when given.
var clusterPids = os.Getenv("BENCH_CLUSTER_PIDS")

func snapshot(c *counter) snap {
	h, g := gather()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return snap{at: time.Now(), hists: h, counters: g, requests: c.copy(),
		cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), cluster: clusterCPU()}
}

// clusterCPU sums user+system time of the processes named by clusterPids.
func clusterCPU() time.Duration {
	if clusterPids == "" {
		return 0
	}
	files, _ := filepath.Glob(filepath.Join(clusterPids, "*.pid"))
	var ticks int64
	for _, f := range files {
		pid, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: utime and
		// stime are the 12th and 13th.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 13 {
			u, _ := strconv.ParseInt(fields[11], 10, 64)
			st, _ := strconv.ParseInt(fields[12], 10, 64)
			ticks += u + st
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// procStatus reads a kB field of /proc/self/status (VmRSS, VmHWM).
func procStatus(field string) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// peak is the highest of what the sampler saw.
type peak struct {
	heapInuse, heapAlloc, sys, rss uint64
	depth                          float64
	goroutines                     int
	startRSS, startHeap            uint64
}

type sampler struct {
	done chan struct{}
	out  chan peak
}

func startSampler() *sampler {
	s := &sampler{done: make(chan struct{}), out: make(chan peak, 1)}
	var p peak
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.startRSS, p.startHeap = procStatus("VmRSS"), ms.HeapInuse
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			p.heapInuse, p.heapAlloc, p.sys = max(p.heapInuse, ms.HeapInuse), max(p.heapAlloc, ms.HeapAlloc), max(p.sys, ms.Sys)
			p.rss = max(p.rss, procStatus("VmRSS"))
			p.goroutines = max(p.goroutines, runtime.NumGoroutine())
			if _, g := gather(); g != nil {
				p.depth = max(p.depth, g["workqueue_depth"])
			}
			select {
			case <-s.done:
				s.out <- p
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() peak {
	close(s.done)
	return <-s.out
}

// result is one run's figures.
type result struct {
	n, done, promoted              int
	created, window                time.Duration
	toStart, toFinish, toPromoting []time.Duration
	all                            time.Duration
	hists                          map[string]hist
	requests                       map[string]int
	total                          int
	cpu, cluster                   time.Duration
	peak                           peak
	hwm                            uint64
	workers                        int
	phases                         map[string]int
	results                        map[string]int
}

func newResult(c config, tracks map[string]*track, before, after snap, p peak, created, window time.Duration) *result {
	r := &result{n: c.n, created: created, window: window, hists: map[string]hist{}, requests: map[string]int{},
		cpu: after.cpu - before.cpu, cluster: after.cluster - before.cluster, peak: p, hwm: procStatus("VmHWM"),
		phases: map[string]int{}, results: map[string]int{}}
	for _, k := range []string{"success", "requeue", "requeue_after", "error"} {
		r.results[k] = int(after.counters["result "+k] - before.counters["result "+k])
	}
	var first, last time.Time
	for _, t := range tracks {
		if first.IsZero() || t.created.Before(first) {
			first = t.created
		}
		if !t.started.IsZero() {
			r.toStart = append(r.toStart, t.started.Sub(t.created))
		}
		if !t.promoting.IsZero() {
			r.toPromoting = append(r.toPromoting, t.promoting.Sub(t.created))
		}
		if t.finished.IsZero() {
			r.phases["(not finished)"]++
			continue
		}
		r.done++
		r.phases[t.phase]++
		if t.phase == "Promoted" {
			r.promoted++
		}
		r.toFinish = append(r.toFinish, t.finished.Sub(t.created))
		if t.finished.After(last) {
			last = t.finished
		}
	}
	if r.done == r.n {
		r.all = last.Sub(first)
	}
	for k, h := range after.hists {
		r.hists[k] = h.minus(before.hists[k])
	}
	for k, v := range after.requests {
		if d := v - before.requests[k]; d > 0 {
			r.requests[k] = d
			if !strings.Contains(k, "→") {
				r.total += d
			}
		}
	}
	return r
}

func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case math.IsInf(v, 1):
		return "> last bucket"
	}
	return fmt.Sprintf("%.1f ms", v*1000)
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func (r *result) print(w *os.File, c config) {
	workers := c.workers
	if workers == 0 {
		workers = 8
	}
	fmt.Fprintf(w, "\nN=%d releases, %d per namespace, %d stable replica(s), MaxConcurrentReconciles=%d, QPS=%s, Burst=%s\n",
		r.n, map[bool]int{true: r.n, false: c.perNS}[c.perNS == 0], c.replicas, workers, orDefault(fmt.Sprint(c.qps), "0", "200 (default)"),
		orDefault(fmt.Sprint(c.burst), "0", "400 (default)"))
	fmt.Fprintf(w, "strategy: setWeight 50, pause %s, setWeight 100 (no analysis)\n\n", c.pause)
	fmt.Fprintf(w, "| metric | value |\n|---|---|\n")
	row := func(k, v string) { fmt.Fprintf(w, "| %s | %s |\n", k, v) }
	row("finished / promoted", fmt.Sprintf("%d / %d of %d %v", r.done, r.promoted, r.n, r.phases))
	row("create N Releases (client side)", r.created.Round(time.Millisecond).String())
	for _, k := range []struct{ name, label string }{
		{"pinwheel_controller_reconcile_seconds", "reconcile (pinwheel histogram)"},
		{"controller_runtime_reconcile_time_seconds", "reconcile (controller-runtime histogram)"},
		{"workqueue_queue_duration_seconds", "queue wait before a reconcile"},
	} {
		h := r.hists[k.name]
		row(k.label+" p50 / p99 / max bucket", fmt.Sprintf("%s / %s / ≤ %s (%d reconciles, mean %s)",
			ms(h.quantile(.5)), ms(h.quantile(.99)), ms(h.maxBound()), h.count, ms(h.sum/float64(max(h.count, 1)))))
	}
	row("peak work-queue depth", fmt.Sprintf("%.0f", r.peak.depth))
	row("create → first status p50 / p99", fmt.Sprintf("%s / %s", pct(r.toStart, .5).Round(time.Millisecond), pct(r.toStart, .99).Round(time.Millisecond)))
	row("create → Promoting (all steps done) p50 / p99 / max", fmt.Sprintf("%s / %s / %s", pct(r.toPromoting, .5).Round(time.Millisecond),
		pct(r.toPromoting, .99).Round(time.Millisecond), pct(r.toPromoting, 1).Round(time.Millisecond)))
	row("create → terminal p50 / p99 / max", fmt.Sprintf("%s / %s / %s", pct(r.toFinish, .5).Round(time.Millisecond),
		pct(r.toFinish, .99).Round(time.Millisecond), pct(r.toFinish, 1).Round(time.Millisecond)))
	if r.all > 0 {
		row("first create → last terminal (all N)", r.all.Round(time.Millisecond).String())
	}
	secs := r.window.Seconds()
	row("controller API requests (total, per s)", fmt.Sprintf("%d, %.0f/s over %s", r.total, float64(r.total)/secs, r.window.Round(time.Second)))
	keys := make([]string, 0, len(r.requests))
	for k := range r.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return r.requests[keys[i]] > r.requests[keys[j]] })
	var top []string
	for _, k := range keys[:min(len(keys), 8)] {
		top = append(top, fmt.Sprintf("%s %d", k, r.requests[k]))
	}
	row("  by request", strings.Join(top, ", "))
	var failed []string
	for _, k := range keys {
		if strings.Contains(k, "→") {
			failed = append(failed, fmt.Sprintf("%s: %d", k, r.requests[k]))
		}
	}
	row("  failed (HTTP status)", orDefault(strings.Join(failed, ", "), "", "none"))
	row("reconcile results (controller-runtime)", fmt.Sprintf("success %d, requeue %d, requeue_after %d, error %d",
		r.results["success"], r.results["requeue"], r.results["requeue_after"], r.results["error"]))
	row("process CPU in the window (controller + bench)", fmt.Sprintf("%.1f s (%.0f%% of one core)", r.cpu.Seconds(), 100*r.cpu.Seconds()/secs))
	if r.cluster > 0 {
		row("control plane CPU in the window", fmt.Sprintf("%.1f s", r.cluster.Seconds()))
	}
	row("heap in use: before → peak", fmt.Sprintf("%s → %s", mib(r.peak.startHeap), mib(r.peak.heapInuse)))
	row("RSS: before → peak (VmHWM)", fmt.Sprintf("%s → %s (%s)", mib(r.peak.startRSS), mib(r.peak.rss), mib(r.hwm)))
	row("Go runtime Sys peak / goroutines peak", fmt.Sprintf("%s / %d", mib(r.peak.sys), r.peak.goroutines))
}

func orDefault(v, zero, def string) string {
	if v == zero {
		return def
	}
	return v
}
