package lock

import (
	"net/url"
	"strings"
)

// sourceFromLocation classifies the URL or path of a requirement: a VCS URL
// ("git+https://host/repo.git@rev#subdirectory=x"), a local file: URL or
// path (a source tree, editable when -e, or an archive), or a direct URL to
// an archive. version is read from an archive's file name when it has one.
func sourceFromLocation(loc string, editable bool) (src Source, version string) {
	if vcs, rest, ok := strings.Cut(loc, "+"); ok && isVCS(vcs) && strings.Contains(rest, "://") {
		return vcsSource(vcs, rest), ""
	}
	if strings.HasPrefix(loc, "file:") {
		p := strings.TrimPrefix(strings.TrimPrefix(loc, "file:"), "//")
		if u, err := url.Parse(loc); err == nil && u.Path != "" {
			p = u.Path
		}
		loc = p
	}
	_, version = nameVersionFromFile(locationBase(loc))
	if urlSchemeRE.MatchString(loc) {
		return Source{Kind: SourceURL, URL: loc}, version
	}
	return localSource(strings.SplitN(loc, "#", 2)[0], editable), version
}

func isVCS(s string) bool {
	switch s {
	case "git", "hg", "svn", "bzr":
		return true
	}
	return false
}

// vcsSource splits "https://host/repo.git@rev#egg=x&subdirectory=y".
func vcsSource(vcs, rest string) Source {
	src := Source{Kind: SourceGit, VCS: vcs}
	base, frag, _ := strings.Cut(rest, "#")
	if frag != "" {
		if q, err := url.ParseQuery(frag); err == nil {
			src.Subdirectory = q.Get("subdirectory")
		}
	}
	// The revision follows the last "@" after the host part (an "@" before
	// it is user info, as in git+ssh://git@github.com/...).
	scheme, after, _ := strings.Cut(base, "://")
	hostEnd := strings.IndexByte(after, '/')
	if hostEnd >= 0 {
		if at := strings.LastIndexByte(after[hostEnd:], '@'); at >= 0 {
			rev := after[hostEnd+at+1:]
			after = after[:hostEnd+at]
			if looksLikeCommit(rev) {
				src.Commit = strings.ToLower(rev)
			} else {
				src.Ref = rev
			}
		}
	}
	src.URL = scheme + "://" + after
	return src
}
