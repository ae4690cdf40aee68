package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

func TestReplayInputErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	s, err := ledgerdb.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"notANumber", []string{"replay", "x", "--ledger", db}, `rollout "x": expected a rollout number`},
		{"unknownRollout", []string{"replay", "9", "--ledger", db}, "rollout 9 is not in the ledger"},
		{"noLedger", []string{"replay", "1", "--ledger", filepath.Join(t.TempDir(), "none.db")}, "no ledger (deploy something first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Execute(context.Background(), Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, tt.args)
			if code != ExitUsage || !strings.Contains(errb.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, errb.String(), tt.want)
			}
		})
	}
}
