package pep

import (
	"strings"
)

// Tag is one PEP 425 compatibility tag.
type Tag struct {
	Interpreter string // e.g. "cp311", "py3"
	ABI         string // e.g. "cp311", "abi3", "none"
	Platform    string // e.g. "manylinux_2_17_x86_64", "any"
}

// String returns the tag as it appears in a wheel name: "py3-none-any".
func (t Tag) String() string { return t.Interpreter + "-" + t.ABI + "-" + t.Platform }

// ParseTag parses a tag triple, expanding compressed sets: "py2.py3-none-any"
// is two tags. Tags are lower-cased, as installers compare them.
func ParseTag(s string) ([]Tag, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return nil, syntaxErr("tag", s, 0, "expected interpreter-abi-platform, got %q", s)
	}
	return expandTags(s, parts[0], parts[1], parts[2], 0)
}

// expandTags builds the cartesian product of dot-separated tag sets. col is
// where the interpreter part starts (1-based; 0 when unknown).
func expandTags(input, interp, abi, plat string, col int) ([]Tag, error) {
	sets := [3][]string{}
	offset := col
	for i, part := range []string{interp, abi, plat} {
		for _, item := range strings.Split(part, ".") {
			if item == "" || strings.ContainsAny(item, " \t") {
				return nil, syntaxErr("tag", input, offset, "empty or malformed %s tag %q", [3]string{"python", "abi", "platform"}[i], part)
			}
			sets[i] = append(sets[i], strings.ToLower(item))
		}
		if offset > 0 {
			offset += len(part) + 1
		}
	}
	tags := make([]Tag, 0, len(sets[0])*len(sets[1])*len(sets[2]))
	for _, i := range sets[0] {
		for _, a := range sets[1] {
			for _, p := range sets[2] {
				tags = append(tags, Tag{i, a, p})
			}
		}
	}
	return tags, nil
}

// WheelName is a parsed PEP 427 wheel file name:
// {distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl
type WheelName struct {
	Distribution string // as written in the file name, e.g. "typing_extensions"
	Version      string // as written; known to be a valid PEP 440 version
	Build        string // optional build tag, starting with a digit
	Tags         []Tag  // the expanded compressed tag sets
}

// NormalizedName returns the PEP 503 form of the distribution name.
func (w WheelName) NormalizedName() string { return NormalizeName(w.Distribution) }

// BuildNumber splits the build tag into its leading number and the rest,
// the order installers use to break ties between otherwise equal wheels
// (no build tag sorts first: -1).
func (w WheelName) BuildNumber() (n int, suffix string) {
	if w.Build == "" {
		return -1, ""
	}
	i := 0
	for i < len(w.Build) && isDigit(w.Build[i]) {
		i++
	}
	n, ok := atoiAll(w.Build[:i])
	if !ok {
		return -1, w.Build
	}
	return n, w.Build[i:]
}

// ParsedVersion returns the version parsed (it was validated by
// ParseWheelFilename, so the error is only for hand-built values).
func (w WheelName) ParsedVersion() (Version, error) { return ParseVersion(w.Version) }

// String rebuilds a file name with the tags in compressed form when they
// form a full product, else one tag per name part as written.
func (w WheelName) String() string {
	var interp, abi, plat []string
	seen := [3]map[string]bool{{}, {}, {}}
	for _, t := range w.Tags {
		for i, pair := range []struct {
			v   string
			dst *[]string
		}{{t.Interpreter, &interp}, {t.ABI, &abi}, {t.Platform, &plat}} {
			if !seen[i][pair.v] {
				seen[i][pair.v] = true
				*pair.dst = append(*pair.dst, pair.v)
			}
		}
	}
	parts := []string{w.Distribution, w.Version}
	if w.Build != "" {
		parts = append(parts, w.Build)
	}
	parts = append(parts, strings.Join(interp, "."), strings.Join(abi, "."), strings.Join(plat, "."))
	return strings.Join(parts, "-") + ".whl"
}

// ParseWheelFilename parses a wheel file name (without directories).
func ParseWheelFilename(name string) (WheelName, error) {
	var w WheelName
	fail := func(col int, format string, args ...any) error {
		return syntaxErr("wheel filename", name, col, format, args...)
	}
	stem, ok := strings.CutSuffix(name, ".whl")
	if !ok {
		return w, fail(0, "%q does not end in .whl", name)
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return w, fail(0, "%q should have 5 or 6 dash-separated parts, has %d", name, len(parts))
	}
	if err := checkDistributionName(parts[0]); err != nil {
		return w, fail(1, "%v", err)
	}
	w.Distribution = parts[0]
	col := len(parts[0]) + 2
	if _, err := ParseVersion(parts[1]); err != nil {
		return w, fail(col, "invalid version %q", parts[1])
	}
	w.Version = parts[1]
	col += len(parts[1]) + 1
	if len(parts) == 6 {
		if parts[2] == "" || !isDigit(parts[2][0]) {
			return w, fail(col, "build tag %q must start with a digit", parts[2])
		}
		w.Build = parts[2]
		col += len(parts[2]) + 1
		parts = append(parts[:2], parts[3:]...)
	}
	tags, err := expandTags(name, parts[2], parts[3], parts[4], col)
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			se.Kind = "wheel filename"
		}
		return w, err
	}
	w.Tags = tags
	return w, nil
}

// checkDistributionName applies the wheel spec's escaping rule: the name
// part may hold only letters, digits, "_" and "." (dashes become "_").
func checkDistributionName(s string) error {
	if s == "" {
		return errorf("empty distribution name")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '.') {
			return errorf("distribution name %q contains %s", s, quoteByte(c))
		}
	}
	if strings.Contains(s, "__") {
		return errorf("distribution name %q contains \"__\"", s)
	}
	return nil
}

// SdistName is a parsed source distribution file name.
type SdistName struct {
	Distribution string // as written
	Version      string // as written; a valid PEP 440 version
	Extension    string // ".tar.gz" or ".zip"
}

// NormalizedName returns the PEP 503 form of the distribution name.
func (s SdistName) NormalizedName() string { return NormalizeName(s.Distribution) }

// ParseSdistFilename parses "{name}-{version}.tar.gz" (or ".zip", the
// legacy form). The version is everything after the last dash.
func ParseSdistFilename(name string) (SdistName, error) {
	var s SdistName
	for _, ext := range []string{".tar.gz", ".zip"} {
		if stem, ok := strings.CutSuffix(name, ext); ok {
			i := strings.LastIndexByte(stem, '-')
			if i <= 0 {
				return s, syntaxErr("sdist filename", name, 0, "%q has no {name}-{version} dash", name)
			}
			if _, err := ParseVersion(stem[i+1:]); err != nil {
				return s, syntaxErr("sdist filename", name, i+2, "invalid version %q", stem[i+1:])
			}
			return SdistName{Distribution: stem[:i], Version: stem[i+1:], Extension: ext}, nil
		}
	}
	return s, syntaxErr("sdist filename", name, 0, "%q does not end in .tar.gz or .zip", name)
}
