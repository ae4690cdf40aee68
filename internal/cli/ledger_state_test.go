package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command that reads the ledger refuses an empty or corrupt one with
// exit 2 naming the file, and leaves it exactly as it was: a read must
// never turn a damaged ledger into a fresh empty one.
func TestLedgerReadersRefuseDamagedLedgerUntouched(t *testing.T) {
	for _, ledger := range []struct {
		name, content, want string
	}{
		{"empty", "", "the ledger is empty (0 bytes)"},
		{"corrupt", strings.Repeat("garbage!", 1024), "the ledger is corrupt or not a pinwheel ledger"},
	} {
		for _, cmd := range [][]string{
			{"history", "shop"}, {"status", "shop"}, {"history"}, {"promote", "shop"}, {"abort", "shop"},
			{"rollback", "shop"}, {"replay", "1"}, {"recreate", "shop-1"}, {"diff", "shop-1", "shop-2"},
		} {
			t.Run(ledger.name+"_"+strings.Join(cmd, "_"), func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "ledger.db")
				if err := os.WriteFile(path, []byte(ledger.content), 0o600); err != nil {
					t.Fatal(err)
				}
				_, stderr, code := runCLI(t, append(cmd, "--ledger", path)...)
				if code != ExitUsage || !strings.Contains(stderr, path+": "+ledger.want) {
					t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, path+": "+ledger.want)
				}
				got, err := os.ReadFile(path)
				if err != nil || string(got) != ledger.content {
					t.Fatalf("ledger changed: %d bytes (%v), was %d", len(got), err, len(ledger.content))
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 1 {
					t.Fatalf("files beside the ledger: %v", entries)
				}
			})
		}
	}
}
