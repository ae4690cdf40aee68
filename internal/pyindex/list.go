package pyindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// ListFiles lists the distribution files offered for project by every
// source, in search order: --find-links directories (hashed locally; URL is
// a file:// URL), then the primary index and extra indexes. It is for locks
// that record hashes but not file names. An index that does not know the
// project is skipped.
func (c *Client) ListFiles(ctx context.Context, project string) ([]File, error) {
	name := pep.NormalizeName(project)
	var out []File
	for _, dir := range c.findLinks {
		files, err := listWheelhouse(dir, name)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	for _, idx := range c.indexes {
		page, err := c.ProjectPage(ctx, idx, name)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, page.Files...)
	}
	return out, nil
}

// listWheelhouse returns the files in dir whose project name is name.
func listWheelhouse(dir, name string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--find-links %s: %w", dir, err)
	}
	var out []File
	for _, e := range entries {
		if !e.Type().IsRegular() || distributionProject(e.Name()) != name {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := safefs.Open(dir, p)
		if err != nil {
			return nil, err
		}
		h := newHasher(nil)
		_, err = f.WriteTo(h)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("hash %s: %w", p, err)
		}
		abs, _ := filepath.Abs(p)
		out = append(out, File{Filename: e.Name(), URL: "file://" + filepath.ToSlash(abs), Hashes: map[string]string{"sha256": h.sum("sha256")}})
	}
	return out, nil
}

// distributionProject is the normalised project name of a wheel or sdist
// file name, or "".
func distributionProject(filename string) string {
	if strings.HasSuffix(filename, ".whl") {
		if wn, err := pep.ParseWheelFilename(filename); err == nil {
			return wn.NormalizedName()
		}
		return ""
	}
	if sn, err := pep.ParseSdistFilename(filename); err == nil {
		return pep.NormalizeName(sn.Distribution)
	}
	return ""
}
