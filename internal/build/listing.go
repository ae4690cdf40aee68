package build

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// lister lists the wheels offered for a project, with hashes, for locks
// that record only hashes (requirements --hash, Pipfile.lock).
type lister func(ctx context.Context, project string) ([]wheel.Listed, error)

// newLister offers the wheels in the --find-links directories (hashed on
// the spot) and on the configured index pages.
func newLister(o *Options, client func() (*pyindex.Client, error)) lister {
	return func(ctx context.Context, project string) ([]wheel.Listed, error) {
		var out []wheel.Listed
		for _, dir := range o.FindLinks {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				wn, err := pep.ParseWheelFilename(e.Name())
				if err != nil || wn.NormalizedName() != project {
					continue
				}
				p := filepath.Join(dir, e.Name())
				sum, err := sha256File(p)
				if err != nil {
					return nil, err
				}
				out = append(out, wheel.Listed{Filename: e.Name(), URL: "file://" + p, Hashes: map[string]string{"sha256": sum}})
			}
		}
		indexes := o.ExtraIndexURLs
		if o.IndexURL != "" {
			indexes = append([]string{o.IndexURL}, indexes...)
		}
		if len(indexes) == 0 && len(o.FindLinks) == 0 {
			indexes = []string{pyindex.DefaultIndexURL}
		}
		for _, raw := range indexes {
			u, err := url.Parse(strings.TrimSuffix(raw, "/") + "/")
			if err != nil {
				return nil, err
			}
			c, err := client()
			if err != nil {
				return nil, err
			}
			page, err := c.ProjectPage(ctx, u, project)
			if err != nil {
				continue // not on this index; SelectListed reports what was found
			}
			for _, f := range page.Files {
				out = append(out, wheel.Listed{Filename: f.Filename, URL: f.URL, Hashes: f.Hashes})
			}
		}
		return out, nil
	}
}
