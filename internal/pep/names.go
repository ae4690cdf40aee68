// Package pep implements the Python packaging standards pinwheel needs to
// reason about lock state: PEP 503 name normalisation, PEP 440 versions and
// specifiers, PEP 508 requirements and environment markers (evaluated against
// a target environment), PEP 427 wheel and sdist file names, and PEP 425 /
// PEP 600 / PEP 656 compatibility tags with pip's order of preference, and
// recognising an image's C library (glibc or musl, and its version) from
// the bytes of its libc file.
//
// It owns parsing and the rules; it does not fetch, install or resolve
// anything, and it does no I/O. Parse errors are *SyntaxError values with a
// 1-based column; callers that know the file and line wrap them.
// The tests check it against the "packaging" library that pip vendors.
package pep

import (
	"regexp"
	"strings"
)

var nameSeparators = regexp.MustCompile(`[-_.]+`)

// NormalizeName returns the PEP 503 normalised form of a project name:
// lowercase, with runs of "-", "_" and "." replaced by a single "-".
func NormalizeName(name string) string {
	return nameSeparators.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "-")
}
