package vuln

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchDB is PINWHEEL_BENCH_OSV_DB (e.g. the zip bench/scan builds from
// PyPA's advisory-database), else a zip of the testdata records repeated
// 500 times under other ids.
func benchDB(b *testing.B) string {
	if p := os.Getenv("PINWHEEL_BENCH_OSV_DB"); p != "" {
		return p
	}
	dir := b.TempDir()
	files := map[string]string{}
	for i := 0; i < 500; i++ {
		files[fmt.Sprintf("GHSA-%d.json", i)] = "testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json"
		files[fmt.Sprintf("DSA-%d.json", i)] = "testdata/osv/debian/DSA-3029-1.json"
	}
	p := filepath.Join(dir, "all.zip")
	writeZip(&testing.T{}, p, files)
	return p
}

func BenchmarkScanTwentyPackages(b *testing.B) {
	db := benchDB(b)
	var pkgs []Package
	for i := 0; i < 20; i++ {
		pkgs = append(pkgs, Package{PyPI, fmt.Sprintf("pkg%d", i), "1.0"})
	}
	pkgs = append(pkgs, Package{PyPI, "requests", "2.30.0"})
	b.ResetTimer()
	for b.Loop() {
		d, err := Load(db, ForPackages(pkgs))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Scan(context.Background(), d, pkgs); err != nil {
			b.Fatal(err)
		}
	}
}
