package deploy

import "path/filepath"

// LedgerPath is the ledger a deploy-side command opens: flag (--ledger)
// when given, else the project's DIR/.pinwheel/ledger.db.
func LedgerPath(flag, dir string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(dir, ".pinwheel", "ledger.db")
}
