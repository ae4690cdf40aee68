package pyindex

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

func bundledWants(b *testing.B) ([]Want, string, int64) {
	bundled := wheeltest.BundledWheels(b)
	var wants []Want
	var total int64
	for name, p := range bundled {
		st, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		total += st.Size()
		wants = append(wants, Want{Package: name, Filename: filepath.Base(p), Hashes: map[string]string{"sha256": wheeltest.SHA256(b, p)}})
	}
	return wants, filepath.Dir(bundled["pip"]), total
}

// BenchmarkFetchFromIndex fetches pip and setuptools (3.2 MB) from a local
// index over HTTP into an empty cache: page, download, hash, rename.
func BenchmarkFetchFromIndex(b *testing.B) {
	wants, dir, total := bundledWants(b)
	srv := httptest.NewServer(localindex.New(dir))
	defer srv.Close()
	b.SetBytes(total)
	for b.Loop() {
		c, err := New(WithIndexURL(srv.URL+"/simple/"), WithCacheDir(b.TempDir()), WithNetrc(""))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Fetch(context.Background(), wants); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetchCached fetches the same files again: every hit is re-hashed.
func BenchmarkFetchCached(b *testing.B) {
	wants, dir, total := bundledWants(b)
	c, err := New(WithIndexURL(""), WithFindLinks(dir), WithCacheDir(b.TempDir()), WithNetrc(""))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Fetch(context.Background(), wants); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	for b.Loop() {
		got, err := c.Fetch(context.Background(), wants)
		if err != nil || CacheHits(got) != len(wants) {
			b.Fatalf("hits %d err %v", CacheHits(got), err)
		}
	}
}
