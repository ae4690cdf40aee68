package refresh

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
)

// BenchmarkMake plans 50 packages with 5 releases each against the real
// local index over loopback: page fetches, version ordering, PEP 658
// metadata of the old and new release, labels. bench/refresh compares the
// command with pip list --outdated.
func BenchmarkMake(b *testing.B) {
	var wheels []wheelSpec
	l := &lock.Lock{Format: lock.FormatUV, Path: "uv.lock"}
	for i := range 50 {
		name := fmt.Sprintf("pkg%02d", i)
		for _, v := range []string{"1.0.0", "1.0.1", "1.1.0", "1.2.0", "2.0.0"} {
			wheels = append(wheels, wheelSpec{name: name, version: v, metadata: "Project-URL: Source, https://github.com/example/" + name})
		}
		l.Packages = append(l.Packages, reg(name, "1.0.0", ""))
	}
	idx := serveIndex(b, wheels)
	b.ResetTimer()
	for b.Loop() {
		c := newClient(b) // a fresh client: no page remembered between runs
		p, err := Make(context.Background(), c, Input{Lock: l, Packages: l.Packages, Indexes: []*url.URL{idx}, Python: "3.11"})
		if err != nil || len(p.Updates) != 50 {
			b.Fatalf("%v %d", err, len(p.Updates))
		}
	}
}
