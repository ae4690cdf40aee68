package refresh

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
)

// release is one version of a project as the indexes list it.
type release struct {
	version pep.Version
	files   []pyindex.File
	index   *url.URL // the first index listing it
}

// yanked says whether every file of r is yanked (PEP 592: a version is
// yanked when all its files are), and the first reason given.
func (r *release) yanked() (bool, string) {
	reason := ""
	for _, f := range r.files {
		if !f.Yanked {
			return false, ""
		}
		if reason == "" {
			reason = f.YankedReason
		}
	}
	return len(r.files) > 0, reason
}

// fitsPython says whether some unyanked file of r may be installed on
// python (an empty or unparsable Requires-Python does not exclude).
func (r *release) fitsPython(python *pep.Version) bool {
	if python == nil {
		return true
	}
	for _, f := range r.files {
		if f.Yanked {
			continue
		}
		spec, err := pep.ParseSpecifierSet(f.RequiresPython)
		if f.RequiresPython == "" || err != nil || spec.Contains(*python, true) {
			return true
		}
	}
	return false
}

// indexesFor is where pkg is looked up: the index it was locked from, then
// the configured ones, each once.
func indexesFor(pkg lock.Package, configured []*url.URL) []*url.URL {
	var out []*url.URL
	if pkg.Source.URL != "" {
		if u, err := url.Parse(pkg.Source.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			if !strings.HasSuffix(u.Path, "/") {
				u.Path += "/"
			}
			out = append(out, u)
		}
	}
	for _, u := range configured {
		if !slices.ContainsFunc(out, func(o *url.URL) bool { return sameIndex(o, u) }) {
			out = append(out, u)
		}
	}
	return out
}

func sameIndex(a, b *url.URL) bool {
	return a != nil && b != nil && strings.EqualFold(a.Host, b.Host) && strings.TrimSuffix(a.Path, "/") == strings.TrimSuffix(b.Path, "/")
}

// releases lists every version of name on the indexes, keyed by the
// normalised version string.
func releases(ctx context.Context, idx Index, name string, indexes []*url.URL) (map[string]*release, error) {
	out := map[string]*release{}
	var errs []error
	found := false
	for _, ix := range indexes {
		page, err := idx.ProjectPage(ctx, ix, name)
		if errors.Is(err, pyindex.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		found = true
		for _, f := range page.Files {
			v, ok := fileVersion(f.Filename, name)
			if !ok {
				continue
			}
			key := v.String()
			r := out[key]
			if r == nil {
				r = &release{version: v, index: ix}
				out[key] = r
			}
			if sameIndex(r.index, ix) {
				r.files = append(r.files, f)
			}
		}
	}
	if !found {
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		return nil, fmt.Errorf("no index lists %s (searched %s)", name, indexList(indexes))
	}
	return out, nil
}

func indexList(ixs []*url.URL) string {
	var s []string
	for _, u := range ixs {
		s = append(s, u.Redacted())
	}
	if len(s) == 0 {
		return "no index"
	}
	return strings.Join(s, ", ")
}

// fileVersion is the version in a wheel or sdist file name of project name.
func fileVersion(filename, name string) (pep.Version, bool) {
	if strings.HasSuffix(filename, ".whl") {
		w, err := pep.ParseWheelFilename(filename)
		if err != nil || w.NormalizedName() != name {
			return pep.Version{}, false
		}
		v, err := w.ParsedVersion()
		return v, err == nil
	}
	s, err := pep.ParseSdistFilename(filename)
	if err != nil || s.NormalizedName() != name {
		return pep.Version{}, false
	}
	v, err := pep.ParseVersion(s.Version)
	return v, err == nil
}
