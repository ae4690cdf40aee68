package cli

import (
	"context"
	"errors"
	"io"
	"os"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/lock"
)

// releaseLockSource resolves a release in the ledger (at path) to its lock
// snapshot.
type releaseLockSource struct {
	store ledger.Store
	path  string
}

var _ lockSource = releaseLockSource{}

func (s releaseLockSource) Resolve(ctx context.Context, arg string) (*lock.Lock, bool, error) {
	rel, err := s.store.GetRelease(ctx, "", arg)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if rel.Lock == nil {
		return nil, true, usageError("release %s has no lock snapshot", rel.ID)
	}
	return rel.Lock, true, nil
}

// openLedgerIfAny opens --ledger, or ./.pinwheel/ledger.db when it exists,
// read-only (nil when there is none to open), and says which file it is. A
// ledger that exists but cannot be read is an error, not a reason to
// compare files instead.
func openLedgerIfAny(ctx context.Context, flag string) (ledger.Store, string, error) {
	path := deploy.LedgerPath(flag, ".")
	if _, err := os.Lstat(path); err != nil && flag == "" && !ledgerdb.IsShared(path) {
		return nil, "", nil
	}
	store, err := ledgerdb.Open(ctx, path, ledger.ReadOnly())
	return store, ledgerdb.Display(path), err
}

// diffReleases writes the "what changed" report when both arguments name
// releases (and neither is a file); done is false otherwise.
func diffReleases(ctx context.Context, w io.Writer, store ledger.Store, args []string, output string) (done bool, err error) {
	rels := make([]ledger.Release, len(args))
	for i, arg := range args {
		if _, err := os.Stat(arg); err == nil {
			return false, nil
		}
		rels[i], err = store.GetRelease(ctx, "", arg)
		if errors.Is(err, ledger.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return true, err
		}
	}
	d := changes.Compare(rels[0].Facts, rels[1].Facts, changes.Options{GitLog: deploy.GitLog(".")})
	return true, changes.Write(w, d, output)
}
