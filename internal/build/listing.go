package build

import (
	"context"

	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// lister lists the wheels offered for a project, with hashes, for locks
// that record only hashes (requirements --hash, Pipfile.lock) or nothing.
type lister func(ctx context.Context, project string) ([]wheel.Listed, error)

// newLister lists what the client's --find-links directories and indexes
// offer (pyindex.Client.ListFiles).
func newLister(client func() (*pyindex.Client, error)) lister {
	return func(ctx context.Context, project string) ([]wheel.Listed, error) {
		c, err := client()
		if err != nil {
			return nil, err
		}
		files, err := c.ListFiles(ctx, project)
		if err != nil {
			return nil, err
		}
		out := make([]wheel.Listed, 0, len(files))
		for _, f := range files {
			out = append(out, wheel.Listed{Filename: f.Filename, URL: f.URL, Hashes: f.Hashes})
		}
		return out, nil
	}
}
