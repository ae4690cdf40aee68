package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCachePruneRemovesWhatRetentionDrops(t *testing.T) {
	cache := t.TempDir()
	tree := func(name string, size int, age time.Duration) {
		dir := filepath.Join(cache, "sha256", name)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "f"), make([]byte, size), 0o644)
		os.WriteFile(dir+".used", nil, 0o600)
		at := time.Now().Add(-age)
		os.Chtimes(dir+".used", at, at)
	}
	tree("0ld", 2048, 60*24*time.Hour)
	tree("big", 3<<20, time.Hour)
	tree("new", 1024, time.Minute)

	out, errOut, code := runCLI(t, "cache", "ls", "--cache-dir", cache)
	if code != 0 || !strings.Contains(out, "3 root filesystems, 3.0 MiB") || strings.Index(out, "sha256:0ld") > strings.Index(out, "sha256:big") {
		t.Fatalf("cache ls: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "cache", "prune", "--cache-dir", cache, "--max-size", "1Mi", "-o", "json")
	if code != 0 {
		t.Fatalf("cache prune: exit %d\n%s%s", code, out, errOut)
	}
	var got struct {
		Removed []struct{ Image string }
		Kept    []struct{ Image string }
		Freed   int64 `json:"freedBytes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got.Removed) != 2 || got.Removed[0].Image != "sha256:0ld" || got.Removed[1].Image != "sha256:big" ||
		len(got.Kept) != 1 || got.Kept[0].Image != "sha256:new" || got.Freed != 2048+3<<20 {
		t.Fatalf("prune removed %+v kept %+v freed %d; want 0ld (age) and big (size), new kept", got.Removed, got.Kept, got.Freed)
	}
	if _, err := os.Stat(filepath.Join(cache, "sha256", "big")); !os.IsNotExist(err) {
		t.Fatalf("big still on disk: %v", err)
	}

	if _, errOut, code = runCLI(t, "cache", "prune", "--cache-dir", cache, "--max-age", "-1h"); code != 2 || !strings.Contains(errOut, "--max-age") {
		t.Fatalf("negative --max-age: exit %d %s; want 2 naming the flag", code, errOut)
	}
}
