package attest

import (
	"cmp"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
)

// pypiIndexes are the index URLs that mean "PyPI" and so need no
// repository_url qualifier in a purl.
var pypiIndexes = map[string]bool{
	"https://pypi.org/simple": true, "https://pypi.org/simple/": true,
	"https://pypi.python.org/simple": true, "https://pypi.python.org/simple/": true,
	"https://pypi.org/pypi": true, "https://files.pythonhosted.org": true,
}

// packagePURL is pkg:pypi/<name>@<version> with the qualifiers the purl
// spec defines for where a package came from when that is not PyPI:
// vcs_url for VCS checkouts, download_url for direct URLs, repository_url
// for another index.
func packagePURL(p *lock.Package, indexes []lock.Index) string {
	q := map[string]string{}
	switch p.Source.Kind {
	case lock.SourceGit:
		q["vcs_url"] = vcsLocator(p.Source)
	case lock.SourceURL:
		q["download_url"] = p.Source.URL
	case lock.SourceRegistry:
		if idx := p.Source.URL; idx != "" && !pypiIndexes[idx] {
			q["repository_url"] = idx
		}
	}
	purl := packageurl.NewPackageURL(packageurl.TypePyPi, "", pep.NormalizeName(p.Name), p.Version, packageurl.QualifiersFromMap(q), "")
	return purl.ToString()
}

// imagePURL is pkg:oci/<name>@<digest>?repository_url=<repo> (purl spec's
// oci type: the name is the last path segment of the repository).
func imagePURL(s Subject, fallbackName string) string {
	repo := s.ImageRef
	if i := strings.LastIndex(repo, "@"); i >= 0 {
		repo = repo[:i]
	}
	if slash, colon := strings.LastIndex(repo, "/"), strings.LastIndex(repo, ":"); colon > slash {
		repo = repo[:colon] // drop a tag, keep a registry port
	}
	name := fallbackName
	if repo != "" {
		name = repo[strings.LastIndex(repo, "/")+1:]
	}
	q := map[string]string{}
	if repo != "" {
		q["repository_url"] = repo
	}
	purl := packageurl.NewPackageURL(packageurl.TypeOCI, "", strings.ToLower(name), s.ImageDigest, packageurl.QualifiersFromMap(q), "")
	return purl.ToString()
}

// vcsLocator renders a VCS source as <vcs>+<url>@<revision> (the form both
// the purl vcs_url qualifier and SPDX downloadLocation use).
func vcsLocator(s lock.Source) string {
	u := s.URL
	vcs := cmp.Or(s.VCS, "git")
	if !strings.Contains(strings.SplitN(u, "://", 2)[0], "+") {
		u = vcs + "+" + sshToURL(u)
	}
	if rev := cmp.Or(s.Commit, s.Ref); rev != "" {
		u += "@" + rev
	}
	if s.Subdirectory != "" {
		u += "#" + s.Subdirectory
	}
	return u
}

// sshToURL turns scp-like "git@host:org/repo" into "ssh://git@host/org/repo".
func sshToURL(u string) string {
	if strings.Contains(u, "://") {
		return u
	}
	at, colon := strings.Index(u, "@"), strings.Index(u, ":")
	if at >= 0 && colon > at {
		return "ssh://" + u[:colon] + "/" + u[colon+1:]
	}
	return u
}

// isURI reports whether s is an absolute or relative URI reference that JSON
// schema "iri-reference" and "uri" consumers accept.
func isURI(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n\"<>\\^`{|}") {
		return false
	}
	_, err := url.Parse(s)
	return err == nil
}

// digest is one hash of an artifact in hashlib naming ("sha256").
type digest struct {
	alg   string
	value string
}

// digestSizes are the hex lengths of the hashlib algorithms an SBOM can
// carry; anything else is left out.
var digestSizes = map[string]int{
	"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128,
	"sha3_256": 64, "sha3_384": 96, "sha3_512": 128, "blake2b": 128,
}

// normDigest canonicalises an algorithm name and value, reporting false for
// an algorithm SBOMs cannot name or a value that is not hex of the right size.
func normDigest(alg, value string) (digest, bool) {
	alg = strings.ReplaceAll(strings.ToLower(alg), "-", "_")
	value = strings.ToLower(value)
	size, ok := digestSizes[alg]
	if !ok || len(value) != size {
		return digest{}, false
	}
	if _, err := hex.DecodeString(value); err != nil {
		return digest{}, false
	}
	return digest{alg, value}, true
}

// artifactDigests are one artifact's usable hashes, sorted.
func artifactDigests(a lock.Artifact) []digest {
	var out []digest
	for alg, v := range a.Hashes {
		if d, ok := normDigest(alg, v); ok {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, compareDigest)
	return out
}

// packageHashes is the union of the package's artifact hashes: any file
// pip would accept for this package matches one of them.
func packageHashes(p *lock.Package) []digest {
	var out []digest
	for _, a := range p.Artifacts {
		out = append(out, artifactDigests(a)...)
	}
	slices.SortFunc(out, compareDigest)
	return slices.Compact(out)
}

func compareDigest(a, b digest) int {
	return cmp.Or(cmp.Compare(a.alg, b.alg), cmp.Compare(a.value, b.value))
}

// sortedArtifacts returns p's artifacts ordered by name, then URL, then path.
func sortedArtifacts(p *lock.Package) []lock.Artifact {
	arts := slices.Clone(p.Artifacts)
	slices.SortStableFunc(arts, func(a, b lock.Artifact) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.URL, b.URL), cmp.Compare(a.Path, b.Path))
	})
	return arts
}

// splitImageDigest parses "sha256:<hex>".
func splitImageDigest(s string) (digest, bool) {
	alg, value, ok := strings.Cut(s, ":")
	if !ok {
		return digest{}, false
	}
	return normDigest(alg, value)
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
