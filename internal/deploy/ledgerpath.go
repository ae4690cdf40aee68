package deploy

import (
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/config"
)

// LedgerEnv names the environment variable that picks the ledger when
// --ledger does not.
const LedgerEnv = "PINWHEEL_LEDGER"

// LedgerPath is the ledger a deploy-side command opens: flag (--ledger)
// when given, else $PINWHEEL_LEDGER, else the `ledger:` of DIR/pinwheel.yaml
// (a file path there is relative to DIR), else DIR/.pinwheel/ledger.db. A
// ledger is a SQLite file path or a postgres:// URL.
func LedgerPath(flag, dir string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv(LedgerEnv); env != "" {
		return env
	}
	// A pinwheel.yaml with problems is reported by the command that reads
	// it; its ledger: still counts when it parsed.
	if cfg, _ := config.Load(dir); cfg != nil && cfg.Ledger != "" {
		if filepath.IsAbs(cfg.Ledger) || isURL(cfg.Ledger) {
			return cfg.Ledger
		}
		return filepath.Join(dir, cfg.Ledger)
	}
	return filepath.Join(dir, ".pinwheel", "ledger.db")
}

func isURL(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			return i > 0 && len(s) > i+2 && s[i+1:i+3] == "//"
		case !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
			return false
		}
	}
	return false
}
