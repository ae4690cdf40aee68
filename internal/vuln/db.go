package vuln

import (
	"context"
	"sort"
)

// Source answers which advisories affect each of a list of packages.
type Source interface {
	// Query returns, for each package in pkgs (same order), the records
	// that affect it.
	Query(ctx context.Context, pkgs []Package) ([][]*Record, error)
}

// DB is an in-memory set of OSV records indexed by ecosystem and package
// name; it matches locally. Withdrawn records are dropped as they load.
type DB struct {
	byKey map[string][]entry
	n     int
}

type entry struct {
	rec *Record
	aff int // index into rec.Affected
}

var _ Source = (*DB)(nil)

// NewDB returns an empty DB.
func NewDB() *DB { return &DB{byKey: map[string][]entry{}} }

// Len is the number of records held.
func (db *DB) Len() int { return db.n }

func key(ecosystem, name string) string {
	base, _ := splitEcosystem(ecosystem)
	return base + "\x00" + normalizeName(ecosystem, name)
}

// Add indexes r, unless it is withdrawn.
func (db *DB) Add(r *Record) {
	if r.Withdrawn != "" {
		return
	}
	db.n++
	for i, a := range r.Affected {
		k := key(a.Package.Ecosystem, a.Package.Name)
		db.byKey[k] = append(db.byKey[k], entry{rec: r, aff: i})
	}
}

// Query matches each package against the records of its ecosystem.
func (db *DB) Query(_ context.Context, pkgs []Package) ([][]*Record, error) {
	out := make([][]*Record, len(pkgs))
	for i, p := range pkgs {
		out[i] = db.Match(p)
	}
	return out, nil
}

// Match returns the records that affect p, sorted by id. A package whose
// ecosystem pinwheel cannot order, or whose version does not parse, is
// matched by its records' versions lists only.
func (db *DB) Match(p Package) []*Record {
	entries := db.byKey[key(p.Ecosystem, p.Name)]
	if len(entries) == 0 {
		return nil
	}
	parse := parser(p.Ecosystem)
	var v version
	if parse != nil {
		if pv, err := parse(p.Version); err == nil {
			v = pv
		}
	}
	seen := map[*Record]bool{}
	var out []*Record
	for _, e := range entries {
		a := &e.rec.Affected[e.aff]
		if seen[e.rec] || !ecosystemMatches(a.Package.Ecosystem, p.Ecosystem) {
			continue
		}
		hit := false
		if v == nil {
			hit = listed(a.Versions, p.Version)
		} else {
			hit = affects(a, p.Version, v, parse)
		}
		if hit {
			seen[e.rec] = true
			out = append(out, e.rec)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func listed(versions []string, v string) bool {
	for _, s := range versions {
		if s == v {
			return true
		}
	}
	return false
}
