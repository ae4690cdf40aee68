package lock

import (
	"fmt"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// comparePackages describes how o became n; ok is false when nothing that
// matters changed.
func comparePackages(o, n Package) (Change, bool) {
	ch := Change{Name: n.Name, Kind: ChangeChanged, OldVersion: versionOrSpec(o), NewVersion: versionOrSpec(n), Direct: o.Direct || n.Direct}
	versionMoved := !sameVersion(o, n)
	if versionMoved {
		switch cmp := compareVersions(ch.OldVersion, ch.NewVersion); {
		case o.Version == "" || n.Version == "":
			ch.Notes = append(ch.Notes, fmt.Sprintf("requirement %s → %s", orAny(ch.OldVersion), orAny(ch.NewVersion)))
			ch.Unpinned = o.Version != "" && n.Version == ""
		case cmp < 0:
			ch.Kind, ch.Level = ChangeUpgraded, versionLevel(o.Version, n.Version)
		case cmp > 0:
			ch.Kind, ch.Level = ChangeDowngraded, versionLevel(o.Version, n.Version)
		}
	}
	if oldSrc, newSrc := canonicalSource(o.Source), canonicalSource(n.Source); oldSrc != newSrc {
		ch.SourceChanged, ch.OldSource, ch.NewSource = true, oldSrc, newSrc
		ch.Notes = append(ch.Notes, "source "+describeSourceChange(o.Source, n.Source))
	}
	// Formats differ in where they keep markers (uv on the edges, pipenv on
	// the package), so only a marker present on both sides is compared.
	if o.Marker != "" && n.Marker != "" && !sameMarker(o.Marker, n.Marker) {
		ch.Notes = append(ch.Notes, fmt.Sprintf("marker %s → %s", o.Marker, n.Marker))
	}
	if hadHashes(o) && !hadHashes(n) {
		ch.HashesLost = true
		ch.Notes = append(ch.Notes, "artifact hashes lost: the old lock pinned them, the new one pins none")
	}
	if !versionMoved && !ch.SourceChanged && !ch.HashesLost {
		compareArtifacts(o.Artifacts, n.Artifacts, &ch)
	}
	if !versionMoved && !ch.SourceChanged && !ch.HashesLost && !ch.HashesChanged && len(ch.Notes) == 0 {
		return Change{}, false
	}
	return finishChange(ch), true
}

// sameMarker: the same condition, whatever the order of its "and"/"or"
// terms, quoting and spacing (text comparison when one does not parse).
func sameMarker(a, b string) bool {
	ma, errA := pep.ParseMarker(a)
	mb, errB := pep.ParseMarker(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ma.Equivalent(mb)
}

func orAny(s string) string {
	if s == "" {
		return "(any version)"
	}
	return s
}

// compareArtifacts fills the hash flags for a package whose version and
// source stayed.
func compareArtifacts(olds, news []Artifact, ch *Change) {
	if sameArtifactList(olds, news) {
		return
	}
	oldIDs, newIDs := artifactIDs(olds), artifactIDs(news)
	var added, removed []string
	for id := range newIDs {
		if _, ok := oldIDs[id]; !ok {
			added = append(added, id)
		}
	}
	for id := range oldIDs {
		if _, ok := newIDs[id]; !ok {
			removed = append(removed, id)
		}
	}
	if len(added) == 0 && len(removed) == 0 {
		return
	}
	ch.HashesChanged = true
	sort.Strings(added)
	sort.Strings(removed)
	// Same file name, different content; or unnamed hashes swapped.
	oldByName := map[string]string{}
	for _, id := range removed {
		if name := oldIDs[id]; name != "" {
			oldByName[name] = id
		}
	}
	var replaced []string
	unnamedSwap := false
	for _, id := range added {
		name := newIDs[id]
		if _, ok := oldByName[name]; ok && name != "" {
			replaced = append(replaced, name)
		}
		if name == "" && len(removed) > 0 {
			unnamedSwap = true
		}
	}
	for _, id := range removed {
		if oldIDs[id] == "" && len(added) > 0 {
			unnamedSwap = true
		}
	}
	switch {
	case len(replaced) > 0:
		ch.Suspicious = true
		ch.Notes = append(ch.Notes, "same version, different content: "+strings.Join(replaced, ", ")+" changed hash")
	case unnamedSwap:
		ch.Suspicious = true
		ch.Notes = append(ch.Notes, fmt.Sprintf("same version, artifact hashes replaced (%d removed, %d added)", len(removed), len(added)))
	default:
		if len(added) > 0 {
			ch.Notes = append(ch.Notes, fmt.Sprintf("%d artifact(s) added: %s", len(added), artifactLabels(added, newIDs)))
		}
		if len(removed) > 0 {
			ch.Notes = append(ch.Notes, fmt.Sprintf("%d artifact(s) removed: %s", len(removed), artifactLabels(removed, oldIDs)))
		}
	}
}

// artifactIDs maps each artifact's identity (strongest hash, else file
// name) to its file name ("" when unnamed).
func artifactIDs(arts []Artifact) map[string]string {
	m := make(map[string]string, len(arts))
	for _, a := range arts {
		name := a.Name
		if name == "" && (a.URL != "" || a.Path != "") {
			name = locationBase(a.URL + a.Path)
		}
		id := strongestHash(a.Hashes)
		if id == "" {
			id = "file:" + name
		}
		m[id] = name
	}
	return m
}

// artifactLabels names the first few artifacts and counts the rest: a
// package with 60 wheels must not make a 6,000-character line.
func artifactLabels(ids []string, names map[string]string) string {
	const shown = 3
	var out []string
	for _, id := range ids[:min(len(ids), shown)] {
		if n := names[id]; n != "" {
			out = append(out, n)
		} else {
			out = append(out, shortHash(id))
		}
	}
	if len(ids) > shown {
		out = append(out, fmt.Sprintf("and %d more", len(ids)-shown))
	}
	return strings.Join(out, ", ")
}

func shortHash(id string) string {
	if alg, d, ok := strings.Cut(id, ":"); ok && len(d) > 12 {
		return alg + ":" + d[:12] + "…"
	}
	return id
}

func hadHashes(p Package) bool {
	for _, a := range p.Artifacts {
		if len(a.Hashes) > 0 {
			return true
		}
	}
	return false
}

// describeSourceChange says in a few words how a source moved.
func describeSourceChange(o, n Source) string {
	if o.Kind == SourceGit && n.Kind == SourceGit && normalizeURL(o.URL) == normalizeURL(n.URL) && o.Subdirectory == n.Subdirectory {
		return "commit " + shortRev(o) + " → " + shortRev(n)
	}
	return sourceLabel(o) + " → " + sourceLabel(n)
}

// sourceLabel is a short human description of a source.
func sourceLabel(s Source) string {
	switch s.Kind {
	case SourceRegistry:
		u := s.URL
		if u == "" {
			u = defaultIndexURL
		}
		return "index " + u
	case SourceGit:
		return s.VCS + " " + s.URL + "@" + shortRev(s)
	case SourceURL:
		return "url " + strings.SplitN(s.URL, "#", 2)[0]
	}
	return string(s.Kind) + " " + s.Path
}

func shortRev(s Source) string {
	switch {
	case len(s.Commit) > 12:
		return s.Commit[:12]
	case s.Commit != "":
		return s.Commit
	}
	return s.Ref
}

// sameArtifactList is the allocation-free fast path for the common case of
// two locks listing the same files in the same order.
func sameArtifactList(a, b []Artifact) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || len(a[i].Hashes) != len(b[i].Hashes) {
			return false
		}
		for alg, d := range a[i].Hashes {
			if b[i].Hashes[alg] != d {
				return false
			}
		}
	}
	return true
}
