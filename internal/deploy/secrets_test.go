package deploy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/notify"
)

// env: values never reach the ledger, the "what changed" report or a
// remediation issue: they carry the variable's name and a digest of each
// value, enough to see that it changed.
func TestEnvValuesStayOutOfRecords(t *testing.T) {
	ctx := context.Background()
	dir := shopCopy(t)
	path := filepath.Join(t.TempDir(), "ledger.db")
	store, err := ledgerdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var rels []ledger.Release
	prev := `SHOP_FAULT: ""`
	for _, v := range []string{"leaky-value-one", "leaky-value-two"} {
		cfg := filepath.Join(dir, config.FileName)
		b, _ := os.ReadFile(cfg)
		next := `SHOP_FAULT: "` + v + `"`
		os.WriteFile(cfg, bytes.Replace(b, []byte(prev), []byte(next), 1), 0o644)
		prev = next
		p, err := LoadProject(dir)
		if err != nil {
			t.Fatal(err)
		}
		rel, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: p.Config.Service, Config: p.Snapshot}})
		if err != nil {
			t.Fatal(err)
		}
		rels = append(rels, rel)
	}
	diff := changes.Compare(rels[0].Facts, rels[1].Facts, changes.Options{})
	var text, md bytes.Buffer
	changes.Write(&text, diff, "text")
	changes.Write(&md, diff, "markdown")
	issue := notify.Remediation{Service: "shop", Failed: rels[1].Facts, Restored: rels[0].Facts, At: time.Unix(0, 0)}.Markdown(0)
	wantChange := config.ValueDigest("leaky-value-one") + " → " + config.ValueDigest("leaky-value-two")
	if !strings.Contains(text.String(), "env.SHOP_FAULT: "+wantChange) {
		t.Errorf("what changed lacks the env change as digests:\n%s", text.String())
	}
	store.Close()
	records := map[string]string{"text report": text.String(), "markdown report": md.String(), "remediation issue": issue}
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(path + suffix)
		records["ledger"+suffix] = string(b)
	}
	for what, s := range records {
		if strings.Contains(s, "leaky-value") {
			t.Errorf("the %s holds an env value", what)
		}
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("ledger mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
}
