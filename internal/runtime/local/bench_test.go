package local

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// BenchmarkProxy compares a GET through the proxy with the same GET sent to
// the replica directly (one python3 replica, parallel clients).
func BenchmarkProxy(b *testing.B) {
	needPython(&testing.T{})
	rt, err := New(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	rt.Start()
	defer rt.Close()
	if err := rt.Apply(context.Background(), runtime.Desired{Service: svc, Stable: srcRelease("v1"), Replicas: 1, ReadinessPath: "/healthz"}); err != nil {
		b.Fatal(err)
	}
	var o runtime.Observed
	for !o.Converged {
		time.Sleep(20 * time.Millisecond)
		o, _ = rt.Observe(context.Background(), svc)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for _, tc := range []struct{ name, url string }{
		{"direct", "http://" + o.Releases["v1"].Replicas[0].Address + "/"},
		{"proxy", o.Endpoint + "/"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(tc.url)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		})
	}
}
