package vuln

import (
	"context"
	"sort"
	"strings"
)

// Finding is one vulnerability affecting one package: the records that
// describe it (PYSEC, GHSA, DSA…) merged through their aliases.
type Finding struct {
	ID       string   `json:"id"`                // the preferred id of the group
	Aliases  []string `json:"aliases,omitempty"` // every other id: records' and their aliases, sorted
	Package  Package  `json:"package"`
	Summary  string   `json:"summary,omitempty"`
	Severity Severity `json:"severity"`
	Fixed    []string `json:"fixed,omitempty"` // versions that fix it, from the records' ranges
	Records  []string `json:"records"`         // ids of the records merged, sorted
	URL      string   `json:"url,omitempty"`   // the first ADVISORY reference, else the first reference
	// Locations are where the package comes from (lockfile lines, image
	// files); set by the caller that knows them.
	Locations []Location `json:"locations,omitempty"`
}

// IDs is the finding's id and aliases.
func (f Finding) IDs() []string { return append([]string{f.ID}, f.Aliases...) }

// Scan queries src for pkgs (duplicates removed) and merges the records
// that hit each package into findings, sorted by package then id.
func Scan(ctx context.Context, src Source, pkgs []Package) ([]Finding, error) {
	pkgs = uniquePackages(pkgs)
	hits, err := src.Query(ctx, pkgs)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i, p := range pkgs {
		for _, group := range groupByAlias(hits[i]) {
			out = append(out, finding(p, group))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Package != b.Package {
			return packageLess(a.Package, b.Package)
		}
		return a.ID < b.ID
	})
	return out, nil
}

func packageLess(a, b Package) bool {
	if a.Ecosystem != b.Ecosystem {
		return a.Ecosystem < b.Ecosystem
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Version < b.Version
}

func uniquePackages(pkgs []Package) []Package {
	seen := map[Package]bool{}
	var out []Package
	for _, p := range pkgs {
		p.Name = normalizeName(p.Ecosystem, p.Name)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// groupByAlias partitions recs into groups of records that name each
// other (directly or through a shared alias such as a CVE id).
func groupByAlias(recs []*Record) [][]*Record {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[rb] = ra
		}
	}
	for _, r := range recs {
		for _, a := range r.Aliases {
			union(r.ID, a)
		}
		find(r.ID)
	}
	groups := map[string][]*Record{}
	var roots []string
	for _, r := range recs {
		root := find(r.ID)
		if _, ok := groups[root]; !ok {
			roots = append(roots, root)
		}
		groups[root] = append(groups[root], r)
	}
	out := make([][]*Record, len(roots))
	for i, root := range roots {
		out[i] = groups[root]
	}
	return out
}

// idRank orders ids for the choice of a finding's id: the reviewed GitHub
// advisory first, then PyPA's, then Debian's, then the rest; CVE last.
func idRank(id string) int {
	for i, p := range []string{"GHSA-", "PYSEC-", "DSA-", "DLA-", "DEBIAN-"} {
		if strings.HasPrefix(id, p) {
			return i
		}
	}
	if strings.HasPrefix(id, "CVE-") {
		return 9
	}
	return 8
}

func finding(p Package, group []*Record) Finding {
	sort.Slice(group, func(i, j int) bool {
		a, b := group[i].ID, group[j].ID
		if idRank(a) != idRank(b) {
			return idRank(a) < idRank(b)
		}
		return a < b
	})
	f := Finding{ID: group[0].ID, Package: p, Severity: Severity{Level: Unknown}}
	ids := map[string]bool{}
	fixed := map[string]bool{}
	for _, r := range group {
		f.Records = append(f.Records, r.ID)
		ids[r.ID] = true
		for _, a := range r.Aliases {
			ids[a] = true
		}
		if f.Summary == "" {
			f.Summary = summaryOf(r)
		}
		if f.URL == "" {
			f.URL = advisoryURL(r)
		}
		a := affectedFor(r, p)
		if s := SeverityOf(r, a); better(s, f.Severity) {
			f.Severity = s
		}
		if a != nil {
			for _, v := range fixedVersions(a) {
				fixed[v] = true
			}
		}
	}
	delete(ids, f.ID)
	f.Aliases = sortedKeys(ids)
	f.Fixed = sortedKeys(fixed)
	sort.Strings(f.Records)
	return f
}

// better prefers the higher level, then the computed score over a label.
func better(a, b Severity) bool {
	if a.Level != b.Level {
		return a.Level > b.Level
	}
	return a.Score > b.Score
}

func affectedFor(r *Record, p Package) *Affected {
	for i := range r.Affected {
		a := &r.Affected[i]
		if ecosystemMatches(a.Package.Ecosystem, p.Ecosystem) && normalizeName(p.Ecosystem, a.Package.Name) == p.Name {
			return a
		}
	}
	return nil
}

func summaryOf(r *Record) string {
	s := r.Summary
	if s == "" {
		s = r.Details
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:157]) + "..."
	}
	return s
}

func advisoryURL(r *Record) string {
	for _, ref := range r.References {
		if ref.Type == "ADVISORY" {
			return ref.URL
		}
	}
	if len(r.References) > 0 {
		return r.References[0].URL
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
