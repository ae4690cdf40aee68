package refresh

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
)

// planPackage proposes an update for pkg, or returns a note (no update, but
// something to say), or neither (current).
func planPackage(ctx context.Context, idx Index, in Input, pkg lock.Package, python *pep.Version) (*Update, string, error) {
	if pkg.Source.Kind != lock.SourceRegistry {
		return nil, fmt.Sprintf("not from an index (%s source): refresh does not move it", pkg.Source.Kind), nil
	}
	if pkg.Version == "" {
		return nil, "not pinned to a version: nothing to refresh from", nil
	}
	from, err := pep.ParseVersion(pkg.Version)
	if err != nil {
		return nil, "", fmt.Errorf("locked version %q is not PEP 440: %w", pkg.Version, err)
	}
	ignore, ignored := ignoreRule(in.Config.Ignore, pkg.Name)
	if ignored && ignore == nil {
		return nil, "ignored (refresh.ignore)", nil
	}
	rels, err := releases(ctx, idx, pkg.Name, indexesFor(pkg, in.Indexes))
	if err != nil {
		return nil, "", errContext(pkg, err)
	}
	cur := rels[from.String()]
	var lockedYanked bool
	var yankedReason string
	var lockedIndex *url.URL
	if cur != nil {
		lockedYanked, yankedReason = cur.yanked()
		lockedIndex = cur.index
	}
	allowPre := in.Config.Prereleases || from.IsPrerelease()
	var newer []*release
	for _, r := range rels {
		if pep.Compare(r.version, from) > 0 {
			newer = append(newer, r)
		}
	}
	sort.Slice(newer, func(i, j int) bool { return pep.Compare(newer[i].version, newer[j].version) < 0 })
	var ok []*release
	var skipped []Skipped
	for _, r := range newer {
		v := r.version.String()
		if y, reason := r.yanked(); y {
			skipped = append(skipped, Skipped{Version: v, Reason: yankedText(reason)})
			continue
		}
		if r.version.IsPrerelease() && !allowPre {
			continue // not worth a line each: pre-releases are off
		}
		if ignore != nil && ignore.Contains(r.version, true) {
			skipped = append(skipped, Skipped{Version: v, Reason: "ignored (refresh.ignore " + pkg.Name + ignore.String() + ")"})
			continue
		}
		if !r.fitsPython(python) {
			skipped = append(skipped, Skipped{Version: v, Reason: "requires another Python than " + in.Python})
			continue
		}
		ok = append(ok, r)
	}
	if len(ok) == 0 {
		if lockedYanked {
			return nil, fmt.Sprintf("the locked version %s is yanked (%s) and there is no newer version to move to", pkg.Version, orDefault(yankedReason, "no reason given")), nil
		}
		if len(skipped) > 0 {
			return nil, fmt.Sprintf("newer versions exist but none is proposed: %s", skippedText(skipped)), nil
		}
		return nil, "", nil
	}
	to := ok[len(ok)-1]
	u := &Update{
		Package: pkg.Name, From: pkg.Version, To: to.version.String(), Direct: pkg.Direct,
		Level: lock.VersionLevel(pkg.Version, to.version.String()), Index: to.index.Redacted(),
		LockedYanked: lockedYanked, YankedReason: yankedReason, Skipped: skipped,
	}
	if lockedIndex != nil {
		u.LockedIndex = lockedIndex.Redacted()
	}
	for _, r := range ok {
		u.Changelog.Releases = append(u.Changelog.Releases, r.version.String())
	}
	newMeta, newErr := releaseMetadata(ctx, idx, pkg.Name, to)
	if newErr == nil {
		u.Changelog.Links = ChangelogLinks(newMeta.Links)
		u.Changelog.Metadata = "PEP 658 metadata of " + to.version.String()
		if len(u.Changelog.Links) == 0 {
			u.Changelog.Metadata = "the metadata of " + to.version.String() + " names no changelog, release notes or known source repository"
		}
		if cur != nil {
			if oldMeta, err := releaseMetadata(ctx, idx, pkg.Name, cur); err == nil {
				u.NewDependencies = added(oldMeta.Requires, newMeta.Requires)
			} else {
				u.NewDependencies = added(lockedDeps(pkg), newMeta.Requires)
			}
		}
	} else {
		u.Changelog.Metadata = "no links: " + newErr.Error()
	}
	if pypi := pypiLink(to, pkg.Name); pypi != "" {
		u.Changelog.Links = append(u.Changelog.Links, Link{Label: "PyPI", URL: pypi})
	}
	u.Labels, u.Risk = label(u, lockedIndex, to.index)
	u.Group = groupOf(pkg.Name, u.Level, in.Config.Groups)
	return u, "", nil
}

func yankedText(reason string) string {
	if reason == "" {
		return "yanked"
	}
	return "yanked: " + reason
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func skippedText(s []Skipped) string {
	parts := make([]string, len(s))
	for i, sk := range s {
		parts[i] = sk.Version + " " + sk.Reason
	}
	return strings.Join(parts, "; ")
}

// ignoreRule is the refresh.ignore entry for name: (nil, true) ignores the
// package, (spec, true) the versions spec contains.
func ignoreRule(ignores []config.RefreshIgnore, name string) (*pep.SpecifierSet, bool) {
	for _, ig := range ignores {
		if ig.Name != name {
			continue
		}
		if ig.Specifier == "" {
			return nil, true
		}
		spec, err := pep.ParseSpecifierSet(ig.Specifier)
		if err != nil {
			return nil, true
		}
		return &spec, true
	}
	return nil, false
}

// releaseMetadata fetches and parses the PEP 658 metadata of one file of r,
// a wheel first (its METADATA is what installers read).
func releaseMetadata(ctx context.Context, idx Index, name string, r *release) (Metadata, error) {
	files := slices.Clone(r.files)
	sort.SliceStable(files, func(i, j int) bool {
		return path.Ext(files[i].Filename) == ".whl" && path.Ext(files[j].Filename) != ".whl"
	})
	var lastErr error = fmt.Errorf("the index serves no metadata file (PEP 658) for %s %s", name, r.version)
	for _, f := range files {
		if !f.CoreMetadata {
			continue
		}
		data, err := idx.CoreMetadata(ctx, name, f)
		if err != nil {
			lastErr = err
			continue
		}
		return ParseMetadata(data), nil
	}
	return Metadata{}, lastErr
}

func lockedDeps(pkg lock.Package) []string {
	var out []string
	for _, d := range pkg.Dependencies {
		out = append(out, d.Name)
	}
	return out
}

// added are the names in b that are not in a.
func added(a, b []string) []string {
	var out []string
	for _, n := range b {
		if !slices.Contains(a, n) {
			out = append(out, n)
		}
	}
	return out
}

// pypiLink is the release's page on PyPI when it was found on PyPI.
func pypiLink(r *release, name string) string {
	if r.index == nil || r.index.Host != "pypi.org" {
		return ""
	}
	return "https://pypi.org/project/" + url.PathEscape(name) + "/" + url.PathEscape(r.version.String()) + "/"
}
