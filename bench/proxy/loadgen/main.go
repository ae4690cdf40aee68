// Command loadgen is the closed-loop HTTP load generator bench/proxy/run.sh
// uses when wrk is not installed: C connections each send GET requests back
// to back for a duration; it prints requests/s, p50 and p99 latency and the
// number of non-2xx answers and transport errors, as one JSON line.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to GET")
	conns := flag.Int("c", 1, "concurrent connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	warm := flag.Duration("warmup", time.Second, "warm-up before measuring")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -url is required")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	run := func(d time.Duration) ([]time.Duration, int, int) {
		var mu sync.Mutex
		var lat []time.Duration
		bad, errs := 0, 0
		end := time.Now().Add(d)
		var wg sync.WaitGroup
		for i := 0; i < *conns; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				b, e := 0, 0
				for time.Now().Before(end) {
					t0 := time.Now()
					resp, err := client.Get(*url)
					if err != nil {
						e++
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mine = append(mine, time.Since(t0))
					if resp.StatusCode/100 != 2 {
						b++
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				bad += b
				errs += e
				mu.Unlock()
			}()
		}
		wg.Wait()
		return lat, bad, errs
	}
	run(*warm)
	lat, bad, errs := run(*dur)
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"requests": len(lat), "rps": float64(len(lat)) / dur.Seconds(),
		"p50_ms": q(0.50), "p99_ms": q(0.99), "non2xx": bad, "errors": errs,
	})
}
