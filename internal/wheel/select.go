package wheel

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
)

// ErrHashOnly says the lock lists a package's hashes but not its files
// (requirements --hash, Pipfile.lock): choose with SelectListed.
var ErrHashOnly = errors.New("the lock lists hashes but no file names")

// ErrUnpinned says the lock names neither a file nor a hash for a package
// (a requirements line without --hash): nothing pins its content. Choose
// with SelectUnpinned only when unhashed installs are allowed.
var ErrUnpinned = errors.New("the lock records no file or hash for it (lock with hashes, or allow unhashed installs with --allow-unhashed)")

// NoWheelError says no wheel the lock allows fits the target.
type NoWheelError struct {
	Package, Version string
	Target           string
	Wheels           []string // the wheels considered (none fit)
	Sdists           []string // source distributions the lock allows
	// Mismatched are listed files of this package and version whose hash
	// the lock does not allow ("FILE (sha256:HEX)"), for hash-only locks.
	Mismatched []string
	Reason     string // for sources that are not files at all
}

func (e *NoWheelError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: no wheel for %s", e.Package, e.Version, e.Target)
	switch {
	case len(e.Mismatched) > 0 && len(e.Wheels) == 0 && len(e.Sdists) == 0:
		fmt.Fprintf(&b, ": hash mismatch: %s not among the hashes the lock allows", strings.Join(e.Mismatched, ", "))
	case e.Reason != "":
		fmt.Fprintf(&b, " (%s)", e.Reason)
	case len(e.Wheels) > 0:
		fmt.Fprintf(&b, " among %s", strings.Join(e.Wheels, ", "))
	case len(e.Sdists) > 0:
		fmt.Fprintf(&b, "; the lock has only source distributions (%s) and pinwheel does not build from source", strings.Join(e.Sdists, ", "))
	default:
		b.WriteString("; the lock names no installable file")
	}
	b.WriteString(": build a wheel for this target (pip wheel --no-deps ...), put it in a directory and pass --find-links DIR, then re-lock so the lock lists its hash")
	return b.String()
}

// Select returns the wheel, among the files the lock names for p, whose
// PEP 425 tags fit target best (ties: the highest build tag, then file
// name). It never picks a file the lock does not name; a package the lock
// records only by hashes yields ErrHashOnly.
func Select(p lock.Package, target pep.Target) (lock.Artifact, error) {
	switch p.Source.Kind {
	case lock.SourceGit, lock.SourceDirectory, lock.SourceEditable, lock.SourceVirtual:
		return lock.Artifact{}, &NoWheelError{Package: p.Name, Version: p.Version, Target: target.String(),
			Reason: fmt.Sprintf("it comes from a %s source, which needs a source build", p.Source.Kind)}
	}
	if len(p.Artifacts) == 0 && (p.Source.Kind == "" || p.Source.Kind == lock.SourceRegistry) {
		return lock.Artifact{}, fmt.Errorf("%s %s: %w", p.Name, p.Version, ErrUnpinned)
	}
	var candidates []candidate
	hashOnly := false
	noWheel := &NoWheelError{Package: p.Name, Version: p.Version, Target: target.String()}
	for _, a := range p.Artifacts {
		name := artifactFilename(a)
		switch {
		case a.Kind == lock.ArtifactUnknown && name == "":
			hashOnly = true
		case strings.HasSuffix(strings.ToLower(name), ".whl"):
			candidates = append(candidates, candidate{artifact: a, filename: name})
		case name != "":
			noWheel.Sdists = append(noWheel.Sdists, name)
		}
	}
	if len(candidates) == 0 && hashOnly {
		return lock.Artifact{}, fmt.Errorf("%s %s: %w", p.Name, p.Version, ErrHashOnly)
	}
	return best(p, target, candidates, noWheel)
}

// Listed is a file some source offers for a package (an index project page,
// a wheelhouse), with the hashes that source knows.
type Listed struct {
	Filename string
	URL      string
	Hashes   map[string]string
}

// SelectListed chooses, for a package the lock records only by hashes, the
// best-fitting listed wheel whose hash the lock lists. The returned artifact
// carries the lock's hash, not the listing's.
func SelectListed(p lock.Package, target pep.Target, listed []Listed) (lock.Artifact, error) {
	allowed := map[string]string{} // "alg:hex" → alg
	for _, a := range p.Artifacts {
		for alg, h := range a.Hashes {
			allowed[alg+":"+strings.ToLower(h)] = alg
		}
	}
	var candidates []candidate
	noWheel := &NoWheelError{Package: p.Name, Version: p.Version, Target: target.String()}
	for _, l := range listed {
		a, ok := allowedArtifact(l, allowed)
		isWheel := strings.HasSuffix(strings.ToLower(l.Filename), ".whl")
		switch {
		case ok && isWheel:
			candidates = append(candidates, candidate{artifact: a, filename: l.Filename})
		case ok:
			noWheel.Sdists = append(noWheel.Sdists, l.Filename)
		case sameRelease(l.Filename, p) && l.Hashes["sha256"] != "":
			noWheel.Mismatched = append(noWheel.Mismatched, l.Filename+" (sha256:"+l.Hashes["sha256"]+")")
		}
	}
	if len(candidates) == 0 && len(noWheel.Sdists) == 0 {
		noWheel.Reason = fmt.Sprintf("none of the %d listed files has a hash the lock allows", len(listed))
	}
	return best(p, target, candidates, noWheel)
}

// allowedArtifact is l as a lock artifact when one of its hashes is one the
// lock allows (the artifact carries that hash).
func allowedArtifact(l Listed, allowed map[string]string) (lock.Artifact, bool) {
	for alg, h := range l.Hashes {
		if _, ok := allowed[alg+":"+strings.ToLower(h)]; ok {
			kind := lock.ArtifactSdist
			if strings.HasSuffix(strings.ToLower(l.Filename), ".whl") {
				kind = lock.ArtifactWheel
			}
			return lock.Artifact{Kind: kind, Name: l.Filename, URL: l.URL, Hashes: map[string]string{alg: strings.ToLower(h)}}, true
		}
	}
	return lock.Artifact{}, false
}

// SelectSdist returns the source distribution the lock allows for p: the
// one it names, or, for a lock that records only hashes, a listed one with
// one of those hashes.
func SelectSdist(p lock.Package, listed []Listed) (lock.Artifact, bool) {
	for _, a := range p.Artifacts {
		name := artifactFilename(a)
		if a.Kind == lock.ArtifactSdist || (a.Kind != lock.ArtifactWheel && strings.HasSuffix(name, ".tar.gz")) {
			a.Kind, a.Name = lock.ArtifactSdist, name
			return a, true
		}
	}
	allowed := map[string]string{}
	for _, a := range p.Artifacts {
		for alg, h := range a.Hashes {
			allowed[alg+":"+strings.ToLower(h)] = alg
		}
	}
	for _, l := range listed {
		if a, ok := allowedArtifact(l, allowed); ok && a.Kind == lock.ArtifactSdist && sameRelease(l.Filename, p) {
			return a, true
		}
	}
	return lock.Artifact{}, false
}

// sameRelease reports whether filename is a wheel or sdist of p's name and
// version.
func sameRelease(filename string, p lock.Package) bool {
	if strings.HasSuffix(strings.ToLower(filename), ".whl") {
		wn, err := pep.ParseWheelFilename(filename)
		return err == nil && wn.NormalizedName() == p.Name && (p.Version == "" || sameVersion(wn.Version, p.Version))
	}
	sn, err := pep.ParseSdistFilename(filename)
	return err == nil && sn.NormalizedName() == p.Name && (p.Version == "" || sameVersion(sn.Version, p.Version))
}

// SelectUnpinned chooses, for a package the lock pins by neither file nor
// hash (ErrUnpinned), the best-fitting listed wheel of the locked version.
// The returned artifact has no hash: the caller must verify nothing and
// record the build as not reproducible.
func SelectUnpinned(p lock.Package, target pep.Target, listed []Listed) (lock.Artifact, error) {
	var candidates []candidate
	noWheel := &NoWheelError{Package: p.Name, Version: p.Version, Target: target.String()}
	for _, l := range listed {
		if !strings.HasSuffix(strings.ToLower(l.Filename), ".whl") {
			continue
		}
		wn, err := pep.ParseWheelFilename(l.Filename)
		if err != nil || wn.NormalizedName() != p.Name || (p.Version != "" && !sameVersion(wn.Version, p.Version)) {
			continue
		}
		candidates = append(candidates, candidate{artifact: lock.Artifact{Kind: lock.ArtifactWheel, Name: l.Filename, URL: l.URL}, filename: l.Filename})
	}
	if len(candidates) == 0 {
		noWheel.Reason = fmt.Sprintf("none of the %d listed files is a wheel of this version", len(listed))
	}
	return best(p, target, candidates, noWheel)
}

type candidate struct {
	artifact lock.Artifact
	filename string
	rank     int
	build    string
}

func best(p lock.Package, target pep.Target, cands []candidate, noWheel *NoWheelError) (lock.Artifact, error) {
	ranks := target.Ranks()
	var fit []candidate
	for _, c := range cands {
		wn, err := pep.ParseWheelFilename(c.filename)
		if err != nil {
			return lock.Artifact{}, fmt.Errorf("%s %s: lock names %q: %w", p.Name, p.Version, c.filename, err)
		}
		if wn.NormalizedName() != p.Name || (p.Version != "" && !sameVersion(wn.Version, p.Version)) {
			return lock.Artifact{}, fmt.Errorf("%s %s: lock lists wheel %s of a different distribution or version", p.Name, p.Version, c.filename)
		}
		noWheel.Wheels = append(noWheel.Wheels, c.filename)
		if r, ok := ranks.Rank(wn); ok {
			c.rank, c.build = r, wn.Build
			fit = append(fit, c)
		}
	}
	if len(fit) == 0 {
		return lock.Artifact{}, noWheel
	}
	sort.SliceStable(fit, func(i, j int) bool {
		if fit[i].rank != fit[j].rank {
			return fit[i].rank < fit[j].rank
		}
		if fit[i].build != fit[j].build {
			return buildLess(fit[j].build, fit[i].build) // higher build tag first
		}
		return fit[i].filename < fit[j].filename
	})
	a := fit[0].artifact
	a.Kind, a.Name = lock.ArtifactWheel, fit[0].filename
	return a, nil
}

// buildLess orders PEP 427 build tags: by leading number, then the rest.
func buildLess(a, b string) bool {
	na, ra := splitBuild(a)
	nb, rb := splitBuild(b)
	if na != nb {
		return na < nb
	}
	return ra < rb
}

func splitBuild(s string) (int, string) {
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<30; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, s[i:]
}

// artifactFilename is the artifact's file name, from Name, else the last
// segment of its URL or path.
func artifactFilename(a lock.Artifact) string {
	if a.Name != "" {
		return a.Name
	}
	for _, s := range []string{a.URL, a.Path} {
		if s == "" {
			continue
		}
		s, _, _ = strings.Cut(s, "#")
		s, _, _ = strings.Cut(s, "?")
		if base := path.Base(s); base != "." && base != "/" {
			return base
		}
	}
	return ""
}
