package lock

import "sort"

// ChangeKind says what happened to a package between two locks.
type ChangeKind string

// Change kinds. A package whose version stayed but whose source or
// artifacts moved is "changed"; its flags say how.
const (
	ChangeAdded      ChangeKind = "added"
	ChangeRemoved    ChangeKind = "removed"
	ChangeUpgraded   ChangeKind = "upgraded"
	ChangeDowngraded ChangeKind = "downgraded"
	ChangeChanged    ChangeKind = "changed"
)

// Level is the size of a version change under PEP 440.
type Level string

// Levels of a version change. LevelPrerelease wins over the others: moving
// to a pre-release is labelled as such whatever segment changed.
const (
	LevelMajor      Level = "major"       // epoch or first release segment
	LevelMinor      Level = "minor"       // second release segment
	LevelPatch      Level = "patch"       // anything after: micro, post, local
	LevelPrerelease Level = "pre-release" // the new version is a pre- or dev release
	LevelUnknown    Level = "unknown"     // a version that is not PEP 440
)

// Risk ranks a change for review.
type Risk string

// Risks, highest first.
const (
	RiskHigh   Risk = "high"
	RiskMedium Risk = "medium"
	RiskLow    Risk = "low"
)

// Change is what happened to one package (one name; a name locked at
// several versions yields one change per version that moved).
type Change struct {
	Name       string     `json:"name"`
	Kind       ChangeKind `json:"kind"`
	Level      Level      `json:"level,omitempty"`
	OldVersion string     `json:"oldVersion,omitempty"`
	NewVersion string     `json:"newVersion,omitempty"`
	// Direct: the project's manifest declares this package (on either side).
	Direct bool `json:"direct,omitempty"`
	// OldSource/NewSource are the canonical source identities (see Hash),
	// set when the source changed, or on added/removed packages.
	OldSource     string `json:"oldSource,omitempty"`
	NewSource     string `json:"newSource,omitempty"`
	SourceChanged bool   `json:"sourceChanged,omitempty"`
	// HashesChanged: the version stayed but the set of artifact hashes did not.
	HashesChanged bool `json:"hashesChanged,omitempty"`
	// Suspicious: an artifact's content changed under the same version (a
	// file of the same name, or an unnamed hash, was replaced) — the
	// signature of a re-published or tampered release.
	Suspicious bool `json:"suspicious,omitempty"`
	// HashesLost: the old lock pinned artifact hashes, the new one pins none.
	HashesLost bool `json:"hashesLost,omitempty"`
	// Unpinned: the old lock pinned a version, the new one only a range.
	Unpinned bool     `json:"unpinned,omitempty"`
	Risk     Risk     `json:"risk"`
	Notes    []string `json:"notes,omitempty"`
}

// LockRef names one side of a diff.
type LockRef struct {
	Path     string `json:"path"`
	Format   Format `json:"format"`
	Hash     string `json:"hash"`
	Packages int    `json:"packages"`
}

// Changes is the difference between two locks, packages sorted by name.
type Changes struct {
	Old     LockRef  `json:"old"`
	New     LockRef  `json:"new"`
	Changes []Change `json:"changes"`
	Summary Summary  `json:"summary"`
}

// Summary counts changes by kind, level and flag.
type Summary struct {
	Added         int `json:"added"`
	Removed       int `json:"removed"`
	Upgraded      int `json:"upgraded"`
	Downgraded    int `json:"downgraded"`
	Changed       int `json:"changed"`
	Major         int `json:"major"`
	Minor         int `json:"minor"`
	Patch         int `json:"patch"`
	Prerelease    int `json:"prerelease"`
	SourceChanged int `json:"sourceChanged"`
	HashesChanged int `json:"hashesChanged"`
	Suspicious    int `json:"suspicious"`
	HashesLost    int `json:"hashesLost"`
	HighRisk      int `json:"highRisk"`
}

// Empty reports whether the two locks install the same thing.
func (c Changes) Empty() bool { return len(c.Changes) == 0 }

// Diff compares two locks package by package. Packages are matched by
// name, and when a name is locked at several versions (uv resolution
// forks), by version first; what is left on each side pairs up as an
// upgrade or downgrade when exactly one version remains on each side.
func Diff(old, new *Lock) Changes {
	c := Changes{Old: refOf(old), New: refOf(new)}
	oldBy, newBy := byName(old), byName(new)
	names := make([]string, 0, len(oldBy)+len(newBy))
	for n := range oldBy {
		names = append(names, n)
	}
	for n := range newBy {
		if _, ok := oldBy[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		c.Changes = append(c.Changes, diffName(oldBy[n], newBy[n])...)
	}
	c.Summary = summarize(c.Changes)
	return c
}

func refOf(l *Lock) LockRef {
	return LockRef{Path: l.Path, Format: l.Format, Hash: Hash(l), Packages: len(l.Packages)}
}

func byName(l *Lock) map[string][]Package {
	m := make(map[string][]Package, len(l.Packages))
	for _, p := range l.Packages {
		if p.Source.Kind == SourceVirtual {
			continue
		}
		m[p.Name] = append(m[p.Name], p)
	}
	return m
}

// diffName compares the entries one name has on each side.
func diffName(olds, news []Package) []Change {
	var out []Change
	var restOld, restNew []Package
	used := make([]bool, len(news))
	for _, o := range olds {
		matched := false
		for j, n := range news {
			if !used[j] && sameVersion(o, n) {
				used[j], matched = true, true
				if ch, ok := comparePackages(o, n); ok {
					out = append(out, ch)
				}
				break
			}
		}
		if !matched {
			restOld = append(restOld, o)
		}
	}
	for j, n := range news {
		if !used[j] {
			restNew = append(restNew, n)
		}
	}
	if len(restOld) == 1 && len(restNew) == 1 {
		if ch, ok := comparePackages(restOld[0], restNew[0]); ok {
			out = append(out, ch)
		}
		return out
	}
	for _, o := range restOld {
		out = append(out, finishChange(Change{Name: o.Name, Kind: ChangeRemoved, OldVersion: versionOrSpec(o), OldSource: canonicalSource(o.Source), Direct: o.Direct}))
	}
	for _, n := range restNew {
		out = append(out, finishChange(Change{Name: n.Name, Kind: ChangeAdded, NewVersion: versionOrSpec(n), NewSource: canonicalSource(n.Source), Direct: n.Direct}))
	}
	return out
}

func versionOrSpec(p Package) string {
	if p.Version != "" {
		return p.Version
	}
	return p.Specifier
}

// sameVersion reports whether a and b are at the same version. A VCS or
// local source tree without a recorded version matches any version: its
// content is fixed by the commit or tree, and formats differ in recording it.
func sameVersion(a, b Package) bool {
	if (a.Version == "" || b.Version == "") && a.Specifier == "" && b.Specifier == "" && versionFromContent(a.Source.Kind) && versionFromContent(b.Source.Kind) {
		return true
	}
	if a.Version == "" || b.Version == "" {
		return a.Version == b.Version && a.Specifier == b.Specifier
	}
	return normalizeVersion(a.Version) == normalizeVersion(b.Version) || compareVersions(a.Version, b.Version) == 0
}

func versionFromContent(k SourceKind) bool {
	return k == SourceGit || k == SourceDirectory || k == SourceEditable
}
