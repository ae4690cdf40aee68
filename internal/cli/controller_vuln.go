package cli

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// vulnScanFlags turn on the controller's scheduled scan of running releases.
type vulnScanFlags struct {
	db, api, state string
	interval       time.Duration
}

func addVulnScanFlags(fl *pflag.FlagSet, f *vulnScanFlags) {
	fl.StringVar(&f.db, "vuln-db", "", "re-match running releases against this offline OSV database (a directory or zip, read anew on every pass)")
	fl.StringVar(&f.api, "vuln-osv-api", "", "or against the OSV API at this URL")
	fl.DurationVar(&f.interval, "vuln-interval", time.Hour, "how often running releases are scanned")
	fl.StringVar(&f.state, "vuln-state", "", "file that keeps which advisories were reported per image digest (default: memory only)")
}

// options is the controller's VulnScan, or nil when no source was given.
func (f vulnScanFlags) options() (*controller.VulnScan, error) {
	if f.db == "" && f.api == "" {
		return nil, nil
	}
	if f.db != "" && f.api != "" {
		return nil, usageError("--vuln-db and --vuln-osv-api: give one")
	}
	if f.interval < time.Second {
		return nil, usageError("--vuln-interval must be at least 1s")
	}
	src := func(context.Context) (vuln.Source, error) { return vuln.Load(f.db) }
	if f.api != "" {
		cache := ""
		if base, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(base, "pinwheel", "osv")
		}
		src = func(context.Context) (vuln.Source, error) { return &vuln.API{BaseURL: f.api, CacheDir: cache}, nil }
	}
	return &controller.VulnScan{Interval: f.interval, Source: src, StateFile: f.state}, nil
}
