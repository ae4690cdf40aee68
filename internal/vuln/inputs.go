package vuln

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/lock"
)

// Located is a package and where it was found.
type Located struct {
	Package
	At Location
}

// FromLock lists the packages of l to scan: those sel selects (the
// production set pinwheel build installs), or all when sel is nil.
// Entries without a pinned version (a requirements line without ==) are
// left out: there is no version to match.
func FromLock(l *lock.Lock, sel *lock.Selection) []Located {
	pkgs := l.Packages
	if sel != nil {
		pkgs = sel.Packages
	}
	var out []Located
	for _, p := range pkgs {
		if p.Version == "" {
			continue
		}
		file := p.File
		if file == "" {
			file = l.Path
		}
		out = append(out, Located{Package: Package{Ecosystem: PyPI, Name: p.Name, Version: p.Version}, At: Location{File: file, Line: p.Line}})
	}
	return out
}

// Run scans pkgs against src, applies the ignores at now and returns the
// report; each finding carries the locations of its package.
func Run(ctx context.Context, src Source, targets []string, pkgs []Located, ignores []Ignore, now time.Time) (Report, error) {
	plain := make([]Package, len(pkgs))
	where := map[Package][]Location{}
	for i, p := range pkgs {
		plain[i] = p.Package
		k := Package{Ecosystem: p.Ecosystem, Name: normalizeName(p.Ecosystem, p.Name), Version: p.Version}
		where[k] = append(where[k], p.At)
	}
	fs, err := Scan(ctx, src, plain)
	if err != nil {
		return Report{}, err
	}
	for i := range fs {
		fs[i].Locations = where[fs[i].Package]
	}
	kept, ignored, expired := ApplyIgnores(fs, ignores, now)
	return Report{Targets: targets, Packages: len(uniquePackages(plain)), Findings: kept, Ignored: ignored, ExpiredIgnores: expired}, nil
}
