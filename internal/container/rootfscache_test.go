package container

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeTree makes cache/sha256/<name> holding size bytes, last used at used.
func fakeTree(t *testing.T, cache, name string, size int, used time.Time) string {
	t.Helper()
	dir := filepath.Join(cache, "sha256", name)
	if err := os.MkdirAll(filepath.Join(dir, "usr"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "usr", "blob"), make([]byte, size), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := markUsed(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(dir+".used", used, used); err != nil {
		t.Fatal(err)
	}
	return dir
}

func names(cs []CachedRootfs) string {
	var out []string
	for _, c := range cs {
		out = append(out, filepath.Base(c.Dir))
	}
	return strings.Join(out, ",")
}

func TestPruneRootfsRemovesLeastRecentlyUsedButNeverATreeInUse(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cache := t.TempDir()
	fakeTree(t, cache, "aaa", 1000, now.Add(-40*24*time.Hour)) // old
	inUse := fakeTree(t, cache, "bbb", 1000, now.Add(-50*24*time.Hour))
	fakeTree(t, cache, "ccc", 1000, now.Add(-3*time.Hour))
	fakeTree(t, cache, "ddd", 1000, now.Add(-2*time.Hour))
	fakeTree(t, cache, "eee", 1000, now.Add(-1*time.Hour))
	stale := filepath.Join(cache, "sha256", ".unpack-123")
	os.MkdirAll(filepath.Join(stale, "x"), 0o755)
	os.Chtimes(stale, now.Add(-2*time.Hour), now.Add(-2*time.Hour))
	fresh := filepath.Join(cache, "sha256", ".unpack-456") // a run unpacking right now
	os.MkdirAll(fresh, 0o755)
	os.Chtimes(fresh, now.Add(-time.Minute), now.Add(-time.Minute))

	held, err := lockEntry(inUse, syscall.LOCK_SH) // as a Prepared holds it
	if err != nil {
		t.Fatal(err)
	}
	defer held.unlock()

	// 30 days' age, and room for three trees: aaa goes for its age, ccc for
	// size; bbb is older still but in use.
	p, err := PruneRootfs(cache, Retention{MaxAge: 30 * 24 * time.Hour, MaxBytes: 3000}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(p.Removed); got != "aaa,ccc" {
		t.Errorf("removed %s, want aaa,ccc", got)
	}
	if got := names(p.Kept); got != "bbb,ddd,eee" {
		t.Errorf("kept %s, want bbb,ddd,eee", got)
	}
	if p.Freed != 2000 {
		t.Errorf("freed %d bytes, want 2000", p.Freed)
	}
	left, _ := os.ReadDir(filepath.Join(cache, "sha256"))
	var entries []string
	for _, e := range left {
		entries = append(entries, e.Name())
	}
	if got := strings.Join(entries, " "); got != ".unpack-456 bbb bbb.lock bbb.used ddd ddd.lock ddd.used eee eee.lock eee.used" {
		t.Errorf("cache holds %q", got)
	}

	// Released, bbb goes too.
	held.unlock()
	if p, err = PruneRootfs(cache, Retention{MaxAge: 30 * 24 * time.Hour}, now); err != nil || names(p.Removed) != "bbb" {
		t.Fatalf("after release: removed %s %v, want bbb", names(p.Removed), err)
	}
}

// Prepare holds its tree until Close; a pruned image unpacks again.
func TestPreparedTreeIsKeptUntilClosed(t *testing.T) {
	img := sleeperImage(t)
	cache := t.TempDir()
	ctx := context.Background()
	pr, err := Prepare(ctx, img, cache)
	if err != nil {
		t.Fatal(err)
	}
	everything := Retention{MaxBytes: 1}
	p, err := PruneRootfs(cache, everything, time.Now())
	if err != nil || len(p.Removed) != 0 || len(p.Kept) != 1 || !p.Kept[0].InUse || p.Kept[0].Dir != pr.Rootfs {
		t.Fatalf("prune while prepared: removed %s kept %+v %v; want %s kept in use", names(p.Removed), p.Kept, err, pr.Rootfs)
	}
	if _, err := os.Stat(filepath.Join(pr.Rootfs, "sleeper")); err != nil {
		t.Fatalf("the prepared tree lost its files: %v", err)
	}
	pr.Close()
	if p, err = PruneRootfs(cache, everything, time.Now()); err != nil || len(p.Removed) != 1 || p.Freed == 0 {
		t.Fatalf("prune after Close: removed %s freed %d %v; want the tree", names(p.Removed), p.Freed, err)
	}
	again, err := Prepare(ctx, img, cache)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.CacheHit || again.Rootfs != pr.Rootfs {
		t.Fatalf("after prune: hit %v at %s, want a fresh unpack at %s", again.CacheHit, again.Rootfs, pr.Rootfs)
	}
	if _, err := os.Stat(filepath.Join(again.Rootfs, "sleeper")); err != nil {
		t.Fatalf("re-unpacked tree: %v", err)
	}
}
