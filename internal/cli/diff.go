package cli

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/lock"
)

// lockSource turns one argument of "pinwheel diff" into a Lock. ok is false
// when the argument is not this source's kind of thing, so the next source
// is tried; an error means it is, and something is wrong with it.
type lockSource interface {
	Resolve(ctx context.Context, arg string) (l *lock.Lock, ok bool, err error)
}

// fileLockSource resolves lockfile paths and project directories.
type fileLockSource struct{}

var _ lockSource = fileLockSource{}

func (fileLockSource) Resolve(_ context.Context, arg string) (*lock.Lock, bool, error) {
	if _, err := os.Stat(arg); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, nil
		}
		return nil, true, err
	}
	l, err := loadLock(arg)
	return l, true, err
}

// resolveLock tries each source in order.
func resolveLock(ctx context.Context, arg string, sources []lockSource) (*lock.Lock, error) {
	for _, s := range sources {
		l, ok, err := s.Resolve(ctx, arg)
		if ok || err != nil {
			return l, err
		}
	}
	for _, s := range sources {
		if r, ok := s.(releaseLockSource); ok {
			return nil, usageError("%s: no release %s in the ledger %s, and no such lockfile or project directory", arg, arg, r.path)
		}
	}
	return nil, usageError("%s: no such lockfile or project directory", arg)
}

func newDiffCommand(streams Streams) *cobra.Command {
	var output, ledgerFlag string
	// Sources are tried in order; ledger releases slot in after files.
	sources := []lockSource{fileLockSource{}}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Show what changed between two releases or two locks: image, lock (with risk labels), config, Python, git range",
		Long: `Compare two locks package by package. OLD and NEW are lockfiles or project
directories, in any formats (a Pipfile.lock against a uv.lock works). Each change
is labelled major/minor/patch/pre-release by PEP 440, and flagged when its source
changed, when its artifact hashes changed without a version change (suspicious),
or when it lost its hashes.

When OLD and NEW are releases in the ledger (IDs such as shop-2, or image
digests of 12 or more hex digits), the "what changed" report compares
them: image digest, lock diff with risk labels, pinwheel.yaml keys, Python
version, base image, other build-info fields and the git range (with its
commits when run inside the repository). A release's lock snapshot can also
be compared with a lockfile. Exit status is 0 whatever changed.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := lockCheckOutput(output, lock.DiffFormats...); err != nil {
				return err
			}
			store, path, err := openLedgerIfAny(cmd.Context(), ledgerFlag)
			if err != nil {
				return err
			}
			if store != nil {
				defer store.Close()
				if done, err := diffReleases(cmd.Context(), streams.Out, store, args, output); done || err != nil {
					return err
				}
				sources = append(sources, releaseLockSource{store: store, path: path})
			}
			old, err := resolveLock(cmd.Context(), args[0], sources)
			if err != nil {
				return err
			}
			new, err := resolveLock(cmd.Context(), args[1], sources)
			if err != nil {
				return err
			}
			return lock.WriteDiff(streams.Out, lock.Diff(old, new), output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, markdown or json")
	addLedgerFlag(cmd.Flags(), &ledgerFlag)
	return cmd
}
