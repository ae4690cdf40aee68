package vuln

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/pep"
)

// Ecosystems whose versions pinwheel orders.
const (
	PyPI   = "PyPI"
	Debian = "Debian"
)

// Package is one installed or locked package to match: Ecosystem as OSV
// names it ("PyPI", "Debian:12"), Name (for Debian the source package,
// which is what Debian advisories name), Version.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
}

// splitEcosystem splits "Debian:12" into "Debian" and "12".
func splitEcosystem(e string) (base, release string) {
	base, release, _ = strings.Cut(e, ":")
	return base, release
}

// normalizeName is the name as the index keys it: PEP 503 for PyPI, the
// name itself elsewhere.
func normalizeName(ecosystem, name string) string {
	if base, _ := splitEcosystem(ecosystem); base == PyPI {
		return pep.NormalizeName(name)
	}
	return name
}

// ecosystemMatches says whether a record's ecosystem applies to the
// package's: the same base, and the same release when both name one; a
// record without a release ("Debian") applies to every release.
func ecosystemMatches(record, pkg string) bool {
	rb, rr := splitEcosystem(record)
	pb, pr := splitEcosystem(pkg)
	return rb == pb && (rr == "" || rr == pr)
}

// version is a parsed version of one ecosystem.
type version interface {
	compare(other version) int
}

type pepVersion struct{ v pep.Version }

func (a pepVersion) compare(b version) int { return pep.Compare(a.v, b.(pepVersion).v) }

type debVersion struct{ v debian.Version }

func (a debVersion) compare(b version) int { return debian.Compare(a.v, b.(debVersion).v) }

// parser returns the version parser of an ecosystem, or nil when pinwheel
// does not order its versions.
func parser(ecosystem string) func(string) (version, error) {
	switch base, _ := splitEcosystem(ecosystem); base {
	case PyPI:
		return func(s string) (version, error) {
			v, err := pep.ParseVersion(s)
			return pepVersion{v}, err
		}
	case Debian:
		return func(s string) (version, error) {
			v, err := debian.ParseVersion(s)
			return debVersion{v}, err
		}
	}
	return nil
}
