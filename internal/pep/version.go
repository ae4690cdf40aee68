package pep

import (
	"strconv"
	"strings"
	"unicode"
)

// Version is a parsed PEP 440 version. The zero value is version "0".
// Versions are immutable: the slices they return are copies.
type Version struct {
	epoch   int
	release []int
	preKind string // "", "a", "b" or "rc"
	pre     int
	hasPost bool
	post    int
	hasDev  bool
	dev     int
	local   []localPart
}

// localPart is one dot-separated segment of a local version label.
type localPart struct {
	isNum bool
	num   int
	str   string // lower-case; set when !isNum
}

// ParseVersion parses s as a PEP 440 version, accepting every spelling the
// standard normalises: surrounding whitespace, any case, a leading "v",
// "alpha"/"beta"/"c"/"pre"/"preview" pre-release spellings, "rev"/"r" and the
// implicit "1.0-1" post-release, optional separators and implicit numbers,
// and local labels separated by "-", "_" or ".".
func ParseVersion(s string) (Version, error) {
	trimmed := strings.TrimLeftFunc(s, unicode.IsSpace)
	p := versionParser{in: strings.ToLower(strings.TrimRightFunc(trimmed, unicode.IsSpace)), orig: s}
	p.colBase = len(s) - len(trimmed)
	return p.parse()
}

// MustParseVersion is ParseVersion that panics on error; for tests and
// constants only.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Epoch returns the version epoch (0 when absent).
func (v Version) Epoch() int { return v.epoch }

// Release returns the release segment, e.g. [1 2 0] for "1.2.0".
func (v Version) Release() []int {
	if len(v.release) == 0 {
		return []int{0}
	}
	return append([]int(nil), v.release...)
}

// Pre returns the pre-release kind ("a", "b", "rc") and number; kind is ""
// when v is not a pre-release.
func (v Version) Pre() (kind string, n int) { return v.preKind, v.pre }

// Post returns the post-release number and whether there is one.
func (v Version) Post() (n int, ok bool) { return v.post, v.hasPost }

// Dev returns the dev-release number and whether there is one.
func (v Version) Dev() (n int, ok bool) { return v.dev, v.hasDev }

// Local returns the normalised local version label ("" when absent).
func (v Version) Local() string {
	if len(v.local) == 0 {
		return ""
	}
	var b strings.Builder
	writeLocal(&b, v.local)
	return b.String()
}

// IsPrerelease reports whether v is a pre-release or a dev release, the
// versions that specifiers exclude unless asked for.
func (v Version) IsPrerelease() bool { return v.preKind != "" || v.hasDev }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.hasPost }

// Public returns v without its local version label.
func (v Version) Public() Version {
	v.local = nil
	return v
}

// Base returns the epoch and release of v only (PEP 440's "base version").
func (v Version) Base() Version {
	return Version{epoch: v.epoch, release: v.release}
}

// String returns the PEP 440 normalised form of v.
func (v Version) String() string {
	var b strings.Builder
	b.Grow(16)
	if v.epoch != 0 {
		b.WriteString(strconv.Itoa(v.epoch))
		b.WriteByte('!')
	}
	if len(v.release) == 0 {
		b.WriteByte('0')
	}
	for i, n := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n))
	}
	if v.preKind != "" {
		b.WriteString(v.preKind)
		b.WriteString(strconv.Itoa(v.pre))
	}
	if v.hasPost {
		b.WriteString(".post")
		b.WriteString(strconv.Itoa(v.post))
	}
	if v.hasDev {
		b.WriteString(".dev")
		b.WriteString(strconv.Itoa(v.dev))
	}
	if len(v.local) > 0 {
		b.WriteByte('+')
		writeLocal(&b, v.local)
	}
	return b.String()
}

func writeLocal(b *strings.Builder, parts []localPart) {
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		if p.isNum {
			b.WriteString(strconv.Itoa(p.num))
		} else {
			b.WriteString(p.str)
		}
	}
}

// Equal reports whether a and b are the same version under PEP 440 ordering
// (so "1.0" equals "1.0.0").
func (v Version) Equal(w Version) bool { return Compare(v, w) == 0 }

// MarshalText encodes v in normalised form, so versions read and write as
// plain strings in JSON, YAML and TOML.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses a version written as text.
func (v *Version) UnmarshalText(b []byte) error {
	parsed, err := ParseVersion(string(b))
	if err != nil {
		return err
	}
	*v = parsed
	return nil
}
