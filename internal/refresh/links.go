package refresh

import (
	"net/url"
	"strings"
	"unicode"
)

// Kinds of changelog link, as PEP 753 names the well-known Project-URL
// labels (after normalising: lower case, no punctuation, no whitespace).
var (
	changelogLabels = map[string]string{
		"changelog": "Changelog", "changes": "Changelog", "whatsnew": "Changelog", "history": "Changelog",
		"news": "Changelog", "releasenotes": "Release notes", "releases": "Release notes",
	}
	sourceLabels = map[string]bool{
		"source": true, "repository": true, "sourcecode": true, "github": true, "code": true, "homepage": true,
	}
)

// normalizeLabel is PEP 753's label normalisation: drop ASCII punctuation
// and whitespace (Python's string.punctuation + string.whitespace), lower
// case the rest.
func normalizeLabel(s string) string {
	const drop = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c"
	var b strings.Builder
	for _, r := range s {
		if !strings.ContainsRune(drop, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ChangelogLinks picks the links that say what changed in a release:
// changelog and release-notes entries as written, and for a source
// repository on GitHub, GitLab or Codeberg its releases page. Each URL
// appears once.
func ChangelogLinks(links []Link) []Link {
	var out []Link
	seen := map[string]bool{}
	add := func(l Link) {
		if !seen[l.URL] {
			seen[l.URL] = true
			out = append(out, l)
		}
	}
	for _, l := range links {
		if kind, ok := changelogLabels[normalizeLabel(l.Label)]; ok {
			add(Link{Label: kind, URL: l.URL})
		}
	}
	for _, l := range links {
		if sourceLabels[normalizeLabel(l.Label)] {
			if rel, ok := releasesPage(l.URL); ok {
				add(Link{Label: "Releases", URL: rel})
			}
		}
	}
	return out
}

// releasesPage is the releases page of a repository URL on a forge whose
// layout is known: https://github.com/OWNER/REPO → …/releases.
func releasesPage(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return "", false
	}
	repo := strings.TrimSuffix(parts[1], ".git")
	switch strings.ToLower(u.Host) {
	case "github.com", "www.github.com", "codeberg.org":
		return "https://" + strings.TrimPrefix(strings.ToLower(u.Host), "www.") + "/" + parts[0] + "/" + repo + "/releases", true
	case "gitlab.com":
		return "https://gitlab.com/" + parts[0] + "/" + repo + "/-/releases", true
	}
	return "", false
}
