package attest

import (
	"fmt"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
)

// benchLock is a registry lock of n packages, two hashed artifacts each and
// up to two edges per package, the shape bench/sbom/genlocks.py writes.
func benchLock(n int) *lock.Lock {
	l := &lock.Lock{Format: lock.FormatUV, Path: "bench/uv.lock"}
	for i := range n {
		name := fmt.Sprintf("pkg-%04d", i)
		version := fmt.Sprintf("%d.%d.%d", 1+i%7, i%13, i%5)
		p := lock.Package{Name: name, Version: version, Direct: i < 10, Groups: []string{"main"},
			Source: lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
			Artifacts: []lock.Artifact{
				{Kind: lock.ArtifactSdist, URL: "https://files.example/" + name + ".tar.gz", Hashes: sha(name + "s")},
				{Kind: lock.ArtifactWheel, URL: "https://files.example/" + name + ".whl", Hashes: sha(name + "w")},
			}}
		for _, j := range []int{(i*7 + 3) % n, (i*13 + 11) % n} {
			if j > i {
				p.Dependencies = append(p.Dependencies, lock.Dependency{Name: fmt.Sprintf("pkg-%04d", j)})
			}
		}
		l.Packages = append(l.Packages, p)
	}
	return l
}

func BenchmarkSBOM(b *testing.B) {
	for _, n := range []int{50, 500, 2000} {
		l := benchLock(n)
		for _, w := range sbomWriters {
			b.Run(fmt.Sprintf("%s/%d", w.name, n), func(b *testing.B) {
				for b.Loop() {
					if _, err := w.write(l, Subject{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
