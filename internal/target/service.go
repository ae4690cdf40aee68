package target

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// serviceLedger is what the local read-and-queue calls (status, history,
// promote, abort, rollback) start from: the open ledger, its path and the
// service they act on.
type serviceLedger struct {
	store   ledger.Store
	path    string
	service string
	// dir is where the ledger file's .pinwheel directory is (pinwheel up's
	// runtime state beside it), or "." for a shared (PostgreSQL) ledger.
	dir, stateDir string
}

// openService finds the ledger (--ledger or ./.pinwheel/ledger.db) and the
// service (see serviceArg) and opens the ledger in mode (ledger.ReadOnly
// for the calls that only read, ledger.Existing for those that queue
// commands; it is never created). Close sl.store.
func (l *local) openService(ctx context.Context, arg string, mode ledger.Option) (serviceLedger, error) {
	path := deploy.LedgerPath(l.o.Ledger, ".")
	service, err := serviceArg(ctx, arg, path)
	if err != nil {
		return serviceLedger{}, err
	}
	store, err := ledgerdb.Open(ctx, path, mode)
	if err != nil {
		return serviceLedger{}, err
	}
	state, dir := ledgerDirs(path)
	return serviceLedger{store: store, path: path, service: service, dir: dir, stateDir: state}, nil
}

// ledgerDirs are the state directory (.pinwheel) and the project directory
// a ledger location implies: the file's directory and its parent, or, for a
// shared ledger, ./.pinwheel and the working directory.
func ledgerDirs(where string) (state, project string) {
	if ledgerdb.IsShared(where) {
		return filepath.Join(".", ".pinwheel"), "."
	}
	return filepath.Dir(where), filepath.Dir(filepath.Dir(where))
}

// serviceArg is the SERVICE argument, else the service of the pinwheel.yaml
// next to the ledger's .pinwheel directory, else the only service the ledger
// records.
func serviceArg(ctx context.Context, arg, ledgerFile string) (string, error) {
	if arg != "" {
		return arg, nil
	}
	_, dir := ledgerDirs(ledgerFile)
	cfg, err := config.Load(dir)
	switch {
	case err == nil:
		return cfg.Service, nil
	case errors.Is(err, os.ErrNotExist):
		return onlyServiceIn(ctx, ledgerFile, dir)
	default:
		return "", err
	}
}

// onlyServiceIn is the one service the ledger at ledgerFile records, or a
// usage error saying why SERVICE must be named.
func onlyServiceIn(ctx context.Context, ledgerFile, dir string) (string, error) {
	if _, err := os.Stat(ledgerFile); err != nil && !ledgerdb.IsShared(ledgerFile) {
		return "", usage("name the SERVICE (no pinwheel.yaml in %s to take it from, no ledger at %s)", dir, ledgerFile)
	}
	store, err := ledgerdb.Open(ctx, ledgerFile, ledger.ReadOnly())
	if err != nil {
		return "", err
	}
	defer store.Close()
	services, err := store.Services(ctx)
	if err != nil {
		return "", err
	}
	switch len(services) {
	case 1:
		return services[0], nil
	case 0:
		return "", usage("name the SERVICE (no pinwheel.yaml in %s, and the ledger %s records no service yet)", dir, ledgerdb.Display(ledgerFile))
	default:
		return "", usage("name the SERVICE: the ledger %s records %s (no pinwheel.yaml in %s to choose)", ledgerdb.Display(ledgerFile), strings.Join(services, ", "), dir)
	}
}

// projectService is the service of ./pinwheel.yaml, or "" when there is
// none (the kube calls' default SERVICE).
func projectService() (string, error) {
	cfg, err := config.Load(".")
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return cfg.Service, nil
}
