package pyindex

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

var zeroSHA = map[string]string{"sha256": strings.Repeat("0", 64)}

// A lock path naming a device or a FIFO is refused before a byte is read:
// no 4 GB of zeros in the cache, no hang.
func TestFetchRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "x-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"dev_zero", "/dev/zero", "not a regular file (it is a device)"},
		{"fifo", fifo, "not a regular file (it is a named pipe)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cacheDir := t.TempDir()
			c := newClient(t, WithCacheDir(cacheDir))
			_, err := c.Fetch(context.Background(), []Want{{Package: "x", Version: "1.0", Filename: "x-1.0-py3-none-any.whl", Path: tc.path, Hashes: zeroSHA}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			assertNoIncoming(t, cacheDir)
		})
	}
}

// cancelAfter is an endless reader of zeros that cancels its context after
// the first read, as SIGTERM would mid-download.
type cancelAfter struct{ cancel context.CancelFunc }

func (c cancelAfter) Read(p []byte) (int, error) {
	c.cancel()
	clear(p)
	return len(p), nil
}

func TestStoreStopsOnCancelAndLeavesNoTempFile(t *testing.T) {
	dir := t.TempDir()
	cache, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err = cache.store(ctx, cancelAfter{cancel}, zeroSHA, func(*hasher) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertNoIncoming(t, dir)
}

func assertNoIncoming(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left in the cache: %s", p)
		}
		return nil
	})
}
