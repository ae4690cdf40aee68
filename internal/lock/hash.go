package lock

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// hashScheme names the canonical form; it changes if what goes in changes.
const hashScheme = "pinwheel-lock-hash/v1"

// Hash returns "sha256:<hex>", a hash of what l installs that does not
// depend on the lockfile format, ordering or formatting. What goes in, one
// line per fact, sorted, after the scheme name:
//
//   - each installed package (virtual packages are not installed and are
//     left out): its PEP 503 name, and its PEP 440-normalised version —
//     or, for an unpinned requirement, its specifier — except for VCS,
//     directory and editable sources, whose content is fixed by the commit
//     or tree rather than the version;
//   - its source identity: the kind, plus the normalised index URL
//     (registry; pip's default https://pypi.org/simple when none is named;
//     user info dropped), VCS type, repository URL, commit (or the requested
//     ref when there is no commit) and subdirectory (git), the URL without
//     its fragment (url), or the cleaned slash path (path, directory,
//     editable);
//   - each artifact's strongest hash (sha256 first, then sha512, sha384, …)
//     as "alg:hex"; an artifact without a hash counts by its file name.
//
// Not in it: line numbers, file paths of the lock, package order, groups,
// markers, extras, dependency edges, requires-python, content hashes of the
// manifest, index names, artifact URLs, sizes and upload times, installer
// options. Two locks that resolve the same packages from the same sources
// to the same files hash the same, whichever format wrote them.
func Hash(l *Lock) string {
	lines := canonicalLines(l)
	h := sha256.New()
	h.Write([]byte(hashScheme + "\n"))
	for _, line := range lines {
		h.Write([]byte(line))
		h.Write([]byte{'\n'})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// canonicalLines is the sorted, de-duplicated canonical form Hash digests.
func canonicalLines(l *Lock) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range l.Packages {
		if p.Source.Kind == SourceVirtual {
			continue
		}
		line := canonicalPackage(p)
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	sort.Strings(out)
	return out
}

// canonicalPackage is one package as a single line:
// "name version|source|artifact,artifact".
func canonicalPackage(p Package) string {
	var b strings.Builder
	b.WriteString(p.Name) // already PEP 503-normalised by the parsers
	b.WriteByte(' ')
	switch p.Source.Kind {
	case SourceGit, SourceDirectory, SourceEditable:
	default:
		if p.Version != "" {
			b.WriteString("==" + normalizeVersion(p.Version))
		} else {
			b.WriteString(p.Specifier)
		}
	}
	b.WriteByte('|')
	b.WriteString(canonicalSource(p.Source))
	b.WriteByte('|')
	b.WriteString(strings.Join(canonicalArtifacts(p.Artifacts), ","))
	return b.String()
}

func normalizeVersion(v string) string {
	if pv, err := pep.ParseVersion(v); err == nil {
		return pv.String()
	}
	return strings.TrimSpace(v)
}

func canonicalSource(s Source) string {
	switch s.Kind {
	case SourceRegistry:
		u := s.URL
		if u == "" {
			u = defaultIndexURL
		}
		return "registry " + sameIndex(normalizeURL(u))
	case SourceGit:
		vcs := s.VCS
		if vcs == "" {
			vcs = "git"
		}
		rev := s.Commit
		if rev == "" {
			rev = "ref:" + s.Ref
		}
		repo := normalizeURL(strings.TrimPrefix(s.URL, vcs+"+"))
		if s.URL == "" {
			repo = cleanPath(s.Path)
		}
		return "vcs " + vcs + " " + strings.TrimSuffix(repo, ".git") + " " + strings.ToLower(rev) + subdirSuffix(s)
	case SourceURL:
		return "url " + normalizeURL(strings.SplitN(s.URL, "#", 2)[0]) + subdirSuffix(s)
	case SourcePath, SourceDirectory, SourceEditable:
		return string(s.Kind) + " " + cleanPath(s.Path) + subdirSuffix(s)
	}
	return string(s.Kind) + " " + s.URL + s.Path
}

func subdirSuffix(s Source) string {
	if s.Subdirectory == "" {
		return ""
	}
	return " subdirectory=" + path.Clean(s.Subdirectory)
}

// normalizeURL lowercases scheme and host, drops user info and trailing
// slashes, so spellings of one index or repository compare equal.
// sameIndex names PyPI's one index by one URL: pypi.python.org is the
// old name of pypi.org (older Pipfiles and pip configs still say it).
func sameIndex(u string) string {
	for _, alias := range []string{"https://pypi.python.org/simple", "http://pypi.python.org/simple", "https://www.pypi.org/simple"} {
		if u == alias {
			return defaultIndexURL
		}
	}
	return u
}

func normalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return strings.TrimRight(raw, "/")
	}
	host, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, tail = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + strings.TrimRight(tail, "/")
}

func cleanPath(p string) string {
	if p == "" {
		return "."
	}
	return path.Clean(strings.ReplaceAll(p, `\`, "/"))
}

// canonicalArtifacts is each artifact's strongest hash, sorted; artifacts
// without a hash count by file name.
func canonicalArtifacts(arts []Artifact) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range arts {
		id := strongestHash(a.Hashes)
		if id == "" {
			name := a.Name
			if name == "" {
				name = locationBase(a.URL + a.Path)
			}
			id = "file:" + name
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func strongestHash(h map[string]string) string {
	for _, alg := range hashAlgorithms {
		if d, ok := h[alg]; ok && d != "" {
			return alg + ":" + strings.ToLower(d)
		}
	}
	// An algorithm outside the known list: take the first by name.
	var algs []string
	for alg := range h {
		algs = append(algs, alg)
	}
	sort.Strings(algs)
	if len(algs) > 0 {
		return algs[0] + ":" + strings.ToLower(h[algs[0]])
	}
	return ""
}
