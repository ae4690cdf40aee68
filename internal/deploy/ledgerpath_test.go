package deploy

import (
	"os"
	"path/filepath"
	"testing"
)

// The ledger is --ledger, else $PINWHEEL_LEDGER, else pinwheel.yaml's
// ledger: (a relative path is the project's), else .pinwheel/ledger.db.
func TestLedgerPathOrder(t *testing.T) {
	dir := t.TempDir()
	yaml := filepath.Join(dir, "pinwheel.yaml")
	const url = "postgres://ci@db.internal/pinwheel?sslmode=verify-full"
	for _, tc := range []struct {
		name, flag, env, yamlLedger, want string
	}{
		{"default", "", "", "", filepath.Join(dir, ".pinwheel", "ledger.db")},
		{"yamlURL", "", "", url, url},
		{"yamlRelativeFile", "", "", "history/ledger.db", filepath.Join(dir, "history", "ledger.db")},
		{"envOverYaml", "", "/srv/ledger.db", url, "/srv/ledger.db"},
		{"flagOverAll", "other.db", url, "history/ledger.db", "other.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			content := "service: shop\n"
			if tc.yamlLedger != "" {
				content += "ledger: " + tc.yamlLedger + "\n"
			}
			if err := os.WriteFile(yaml, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv(LedgerEnv, tc.env)
			if got := LedgerPath(tc.flag, dir); got != tc.want {
				t.Fatalf("LedgerPath = %s, want %s", got, tc.want)
			}
		})
	}
}
