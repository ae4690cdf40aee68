package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/lock"
)

// lockOf returns a lock of n packages; every seventh is upgraded and every
// thirteenth replaced in the "new" variant.
func lockOf(n int, newer bool) *lock.Lock {
	l := &lock.Lock{Format: lock.Format("pylock.toml"), Path: "pylock.toml"}
	for i := range n {
		name, version := fmt.Sprintf("pkg-%03d", i), "1.0.0"
		if newer && i%7 == 0 {
			version = "1.1.0"
		}
		if newer && i%13 == 0 {
			name = fmt.Sprintf("other-%03d", i)
		}
		l.Packages = append(l.Packages, lock.Package{Name: name, Version: version,
			Artifacts: []lock.Artifact{{Kind: lock.ArtifactKind("wheel"), Name: name + "-" + version + "-py3-none-any.whl",
				Hashes: map[string]string{"sha256": fmt.Sprintf("%064x", i)}}}})
	}
	return l
}

// BenchmarkReleaseDiff is `pinwheel diff RELEASE_A RELEASE_B` without process
// start: both releases (500-package lock snapshots) read from a real SQLite
// ledger, compared, and rendered as text.
func BenchmarkReleaseDiff(b *testing.B) {
	ctx := context.Background()
	store := openStore(b)
	for i, newer := range []bool{false, true} {
		_, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Lock: lockOf(500, newer), Info: attest.BuildInfo{Service: "shop", Version: fmt.Sprintf("%d.0.0", i+1), ImageDigest: fmt.Sprintf("sha256:%064x", i+1)}, Config: []byte(fmt.Sprintf(`{"service":"shop","version":"%d.0.0","env":{"SHOP_FAULT":""}}`, i+1))}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		old, err := store.GetRelease(ctx, "", "shop-1")
		if err != nil {
			b.Fatal(err)
		}
		new, err := store.GetRelease(ctx, "", "shop-2")
		if err != nil {
			b.Fatal(err)
		}
		d := changes.Compare(old.Facts, new.Facts, changes.Options{})
		if d.Lock == nil {
			b.Fatal("no lock diff")
		}
		if err := changes.Write(io.Discard, d, "text"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteBenchLedger writes the benchmark's two releases into the ledger
// named by PINWHEEL_BENCH_LEDGER, for bench/releasediff/run.sh; it does
// nothing otherwise.
func TestWriteBenchLedger(t *testing.T) {
	path := os.Getenv("PINWHEEL_BENCH_LEDGER")
	if path == "" {
		t.Skip("PINWHEEL_BENCH_LEDGER not set")
	}
	ctx := context.Background()
	store, err := ledgerdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for i, newer := range []bool{false, true} {
		if _, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Lock: lockOf(500, newer), Info: attest.BuildInfo{Service: "shop", Version: fmt.Sprintf("%d.0.0", i+1), ImageDigest: fmt.Sprintf("sha256:%064x", i+1)}}}); err != nil {
			t.Fatal(err)
		}
	}
}
