package archtest

import "testing"

// The feedback loop's boundaries: the scorecard is computed from ledger
// values (no store, no cluster), and drift compares plain values with no
// ledger at all, so that the controller (which keeps no ledger) can run it.
func TestFeedbackBoundaries(t *testing.T) {
	root := repoRoot(t)
	stores := []string{module + "internal/ledger/sqlstore", module + "internal/ledger/sqlite", module + "internal/ledger/ledgerdb", "database/sql", "modernc.org/sqlite"}
	rules := []struct {
		pkg string
		bad []string
	}{
		{"internal/scorecard", append([]string{"k8s.io", "sigs.k8s.io", module + "internal/runtime", module + "internal/container"}, stores...)},
		{"internal/drift", append([]string{module + "internal/ledger"}, stores...)},
	}
	for _, r := range rules {
		if got := reaches(deps(t, root, r.pkg), r.bad...); len(got) > 0 {
			t.Errorf("%s reaches %v", r.pkg, got)
		}
	}
}
