package lock

import (
	"net/url"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// requirement turns a requirement string (at offset off of l) and its
// per-line options into an entry.
func (p *reqParser) requirement(path string, l reqLine, off int, text string, opts []parsedOption, editable, constraint bool) (*reqEntry, error) {
	fail := func(o int, format string, args ...any) error {
		line, col := l.pos(o)
		return inputerr.At(path, line, col, format, args...)
	}
	spec, se := parseReqSpec(text)
	if se != nil {
		return nil, fail(off+se.off, "%s", se.msg)
	}
	if editable && spec.url == "" {
		// -e takes a path or URL; "-e name" is not a thing pip accepts.
		return nil, fail(off, "--editable needs a local path or a VCS URL, found %s", inputerr.Excerpt(text))
	}
	name := pep.NormalizeName(spec.name)
	if name == "" && spec.url != "" && !urlSchemeRE.MatchString(spec.url) {
		dir := localDir(path, spec.url)
		if _, err := safefs.Within(p.dir, dir); err != nil {
			return nil, fail(off, "local project %v", err)
		}
		name = pep.NormalizeName(localProjectName(dir))
	}
	if name == "" {
		return nil, fail(off, "cannot tell the project name of %s (add #egg=NAME or write NAME @ URL)", inputerr.Excerpt(spec.url))
	}
	line, _ := l.pos(off)
	pkg := Package{Name: name, Marker: spec.marker, Extras: spec.extras, Line: line}
	if path != p.root {
		pkg.File = path
	}
	var hashes [][2]string
	for _, o := range opts {
		switch {
		case o.opt.long == "--hash":
			alg, digest, ok := splitHash(o.arg)
			if !ok {
				return nil, fail(o.off, "--hash %s: expected algorithm:hexdigest, e.g. sha256: and 64 hex digits", inputerr.Excerpt(o.arg))
			}
			hashes = append(hashes, [2]string{alg, digest})
		case !o.opt.perLine:
			return nil, fail(o.off, "%s cannot follow a requirement (put it on a line of its own)", o.opt.long)
		}
	}
	if spec.url != "" {
		src, version := sourceFromLocation(spec.url, editable)
		if editable && src.Kind == SourceDirectory {
			src.Kind = SourceEditable
		}
		pkg.Source, pkg.Version = src, version
		hashes = append(hashes, fragmentHashes(spec.url)...)
	} else {
		pkg.Source = Source{Kind: SourceRegistry}
		if v, ok := trimPin(spec.specifier); ok && !strings.Contains(spec.specifier, ",") {
			pkg.Version = v
		} else {
			pkg.Specifier = spec.specifier
		}
	}
	pkg.Artifacts = artifactsFor(pkg.Source, hashes)
	e := &reqEntry{pkg: pkg, constraint: constraint}
	p.entries = append(p.entries, e)
	return e, nil
}

// fragmentHashes reads "#sha256=…" from a direct URL.
func fragmentHashes(loc string) [][2]string {
	_, frag, ok := strings.Cut(loc, "#")
	if !ok {
		return nil
	}
	q, err := url.ParseQuery(frag)
	if err != nil {
		return nil
	}
	var out [][2]string
	for _, alg := range hashAlgorithms {
		if v := q.Get(alg); v != "" && isHex(v) {
			out = append(out, [2]string{alg, strings.ToLower(v)})
		}
	}
	return out
}

// viaComment reads pip-compile / uv annotations under a requirement:
//
//	# via requests
//	# via
//	#   -r requirements.in
//	#   django
//
// It returns whether a via block is still open.
func (p *reqParser) viaComment(last *reqEntry, text string, inVia bool) bool {
	body := strings.TrimPrefix(text, "#")
	trimmed := strings.TrimSpace(body)
	if rest, ok := strings.CutPrefix(trimmed, "via"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		if last == nil {
			return false
		}
		for _, parent := range strings.Split(rest, ",") {
			p.viaParent(last, strings.TrimSpace(parent))
		}
		return true
	}
	if inVia && last != nil && strings.HasPrefix(body, "  ") && trimmed != "" {
		p.viaParent(last, trimmed)
		return true
	}
	return false
}

// viaParent records one "# via" entry: a requirements/pyproject input makes
// the package direct, a package name becomes a dependency edge.
func (p *reqParser) viaParent(e *reqEntry, parent string) {
	switch {
	case parent == "":
	case strings.HasPrefix(parent, "-r ") || strings.HasPrefix(parent, "--requirement"):
		e.pkg.Direct = true
	case strings.HasPrefix(parent, "-c ") || strings.HasPrefix(parent, "--constraint"):
	case strings.HasSuffix(parent, ")") && strings.Contains(parent, "("):
		// "myproject (pyproject.toml)", "(setup.cfg)"
		e.pkg.Direct = true
	case strings.HasSuffix(parent, ".toml") || strings.HasSuffix(parent, ".py") || strings.HasSuffix(parent, ".cfg") || strings.HasSuffix(parent, ".in") || strings.HasSuffix(parent, ".txt"):
		e.pkg.Direct = true
	default:
		name, _, _ := strings.Cut(parent, "[")
		if fields := strings.Fields(name); len(fields) > 0 {
			e.parents = append(e.parents, pep.NormalizeName(fields[0]))
		}
	}
}

// localDir is a path requirement's directory on disk: relative paths are
// relative to the requirements file, as pip resolves them from its cwd when
// run next to it.
func localDir(reqFile, loc string) string {
	loc = strings.TrimPrefix(strings.SplitN(loc, "#", 2)[0], "file://")
	if filepath.IsAbs(loc) {
		return loc
	}
	return filepath.Join(filepath.Dir(reqFile), loc)
}
