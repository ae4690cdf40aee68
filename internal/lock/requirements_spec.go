package lock

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/pep"
)

// reqSpec is one PEP 508 requirement (or pip's bare URL / path form) as it
// appears on a requirements line.
type reqSpec struct {
	name      string // as written; "" when only a URL/path names it
	extras    []string
	specifier string // e.g. "==2.32.3" or ">=1,<2"
	marker    string
	url       string // "name @ url", a bare URL, or a local path
}

// specError is a problem at byte offset off of the requirement string.
type specError struct {
	off int
	msg string
}

var (
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)
	extraRE     = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$`)
	urlSchemeRE = regexp.MustCompile(`^(?:(?:git|hg|svn|bzr)\+)?[A-Za-z][A-Za-z0-9+.-]*://`)
)

// parseReqSpec parses s. A bare URL or path (pip accepts both on a line of
// their own) comes back with url set and the name from its #egg= fragment or
// file name.
func parseReqSpec(s string) (reqSpec, *specError) {
	var r reqSpec
	if looksLikeURLOrPath(s) {
		loc, marker := cutURLMarker(s)
		r.url, r.marker = loc, marker
		r.name, r.extras = nameFromLocation(loc)
		return r, nil
	}
	name := nameRE.FindString(s)
	if name == "" {
		return r, &specError{0, "expected a project name, a URL or a path"}
	}
	r.name = name
	i := skipSpace(s, len(name))
	if i < len(s) && s[i] == '[' {
		end := strings.IndexByte(s[i:], ']')
		if end < 0 {
			return r, &specError{i, "unclosed '[' in extras"}
		}
		for _, e := range strings.Split(s[i+1:i+end], ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if !extraRE.MatchString(e) {
				return r, &specError{i + 1, "invalid extra name " + inputerr.Excerpt(e)}
			}
			r.extras = append(r.extras, e)
		}
		i = skipSpace(s, i+end+1)
	}
	if i < len(s) && s[i] == '@' {
		loc, marker := cutURLMarker(strings.TrimSpace(s[i+1:]))
		if loc == "" {
			return r, &specError{i, "expected a URL after '@'"}
		}
		r.url, r.marker = loc, marker
		return r, nil
	}
	spec, marker, hasMarker := strings.Cut(s[i:], ";")
	if hasMarker {
		markerOff := i + len(spec) + 1
		r.marker = strings.TrimSpace(marker)
		if r.marker == "" {
			return r, &specError{markerOff - 1, "expected an environment marker after ';'"}
		}
		if _, err := pep.ParseMarker(r.marker); err != nil {
			return r, pepError(markerOff+len(marker)-len(strings.TrimLeft(marker, " \t")), "environment marker", err)
		}
	}
	specOff := i
	spec = strings.TrimRight(spec, " \t")
	if strings.HasPrefix(spec, "(") && strings.HasSuffix(spec, ")") {
		spec, specOff = spec[1:len(spec)-1], specOff+1
	}
	if trimmed := strings.TrimLeft(spec, " \t"); trimmed != "" {
		specOff += len(spec) - len(trimmed)
		set, err := pep.ParseSpecifierSet(trimmed)
		if err != nil {
			return r, pepError(specOff, "version specifier", err)
		}
		_ = set
		r.specifier = strings.Join(strings.Fields(trimmed), "")
	}
	return r, nil
}

// pepError places a pep syntax error found in text starting at offset off.
func pepError(off int, what string, err error) *specError {
	var se *pep.SyntaxError
	if errors.As(err, &se) {
		if se.Col > 0 {
			off += se.Col - 1
		}
		return &specError{off, fmt.Sprintf("invalid %s %s: %s", what, inputerr.Excerpt(se.Input), se.Msg)}
	}
	return &specError{off, fmt.Sprintf("invalid %s: %v", what, err)}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func looksLikeURLOrPath(s string) bool {
	if urlSchemeRE.MatchString(s) || strings.HasPrefix(s, "file:") {
		return true
	}
	first := strings.Fields(s)
	if len(first) == 0 {
		return false
	}
	w := first[0]
	if strings.HasPrefix(w, ".") || strings.HasPrefix(w, "/") || strings.HasPrefix(w, "~") || strings.ContainsAny(w, `/\`) {
		return true
	}
	_, archive := archiveKind(w)
	return archive
}

// cutURLMarker splits "URL ; marker" (PEP 508 needs whitespace before the
// ";" after a URL, since ";" may occur inside one).
func cutURLMarker(s string) (loc, marker string) {
	for _, sep := range []string{" ;", "\t;"} {
		if i := strings.Index(s, sep); i >= 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(sep):])
		}
	}
	return strings.TrimSpace(s), ""
}

// nameFromLocation finds the project name of a URL or path requirement:
// the #egg= fragment ("name[extra]"), else the wheel/sdist file name.
func nameFromLocation(loc string) (string, []string) {
	if _, frag, ok := strings.Cut(loc, "#"); ok {
		if q, err := url.ParseQuery(frag); err == nil {
			if egg := q.Get("egg"); egg != "" {
				name, extras, _ := strings.Cut(egg, "[")
				var ex []string
				for _, e := range strings.Split(strings.TrimSuffix(extras, "]"), ",") {
					if e = strings.TrimSpace(e); e != "" {
						ex = append(ex, e)
					}
				}
				return name, ex
			}
		}
	}
	name, _ := nameVersionFromFile(locationBase(loc))
	return name, nil
}

// locationBase is the last path element of a URL or path, without query or fragment.
func locationBase(loc string) string {
	loc = strings.SplitN(strings.SplitN(loc, "#", 2)[0], "?", 2)[0]
	return path.Base(strings.ReplaceAll(strings.TrimRight(loc, `/\`), `\`, "/"))
}

// nameVersionFromFile reads name and version from a wheel or sdist file name.
func nameVersionFromFile(base string) (name, version string) {
	kind, ok := archiveKind(base)
	if !ok {
		return "", ""
	}
	if kind == ArtifactWheel {
		parts := strings.Split(strings.TrimSuffix(base, ".whl"), "-")
		if len(parts) >= 5 {
			return parts[0], parts[1]
		}
		return "", ""
	}
	stem := base
	for _, ext := range []string{".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip"} {
		if strings.HasSuffix(strings.ToLower(stem), ext) {
			stem = stem[:len(stem)-len(ext)]
			break
		}
	}
	for i := len(stem) - 1; i > 0; i-- {
		if stem[i] == '-' && i+1 < len(stem) && stem[i+1] >= '0' && stem[i+1] <= '9' {
			return stem[:i], stem[i+1:]
		}
	}
	return "", ""
}
