package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// ProblemKind classifies what is wrong with one locked artifact.
type ProblemKind string

// Problem kinds, each with its own fix.
const (
	// ProblemAbsent: the file is simply not in any source searched.
	ProblemAbsent ProblemKind = "absent"
	// ProblemNoWheel: no wheel the lock allows fits the target; Sdist names
	// the source distribution the lock allows, when there is one.
	ProblemNoWheel ProblemKind = "no-wheel-for-target"
	// ProblemHashMismatch: a file of the locked release is there, but its
	// hash is not one the lock allows.
	ProblemHashMismatch ProblemKind = "hash-mismatch"
	// ProblemBuildRequirement: a source build needs a requirement no lock pins.
	ProblemBuildRequirement ProblemKind = "build-requirement-not-locked"
	// ProblemUnhashed: the lock pins neither file nor hash.
	ProblemUnhashed ProblemKind = "unhashed"
	// ProblemUnreachable: an index (or find-links directory) could not be
	// read at all.
	ProblemUnreachable ProblemKind = "source-unreachable"
	// ProblemOther: the lock entry is unusable, or a source failed oddly.
	ProblemOther ProblemKind = "other"
)

// ArtifactProblem is one locked artifact a build cannot use, with where the
// lock names it and what to do.
type ArtifactProblem struct {
	Kind     ProblemKind `json:"kind"`
	File     string      `json:"file"` // the lockfile (relative to the project when inside it)
	Line     int         `json:"line,omitempty"`
	Package  string      `json:"package"`
	Version  string      `json:"version,omitempty"`
	Filename string      `json:"filename,omitempty"` // the artifact, when known
	Sdist    string      `json:"sdist,omitempty"`    // for no-wheel-for-target: the sdist the lock allows
	Detail   string      `json:"detail"`
	Fix      string      `json:"fix"`
}

// ArtifactsError is every problem with the lock's artifacts found in one
// run: the build checks them all before failing.
type ArtifactsError struct {
	Problems []ArtifactProblem
	Advice   string // about the sources searched, when they are the likely cause
}

func (e *ArtifactsError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	fmt.Fprintf(&b, "%d locked artifact%s cannot be installed:", n, plural(n))
	for _, p := range e.Problems {
		pos := p.File
		if p.Line > 0 {
			pos = fmt.Sprintf("%s:%d", p.File, p.Line)
		}
		fmt.Fprintf(&b, "\n  %s: %s %s: %s: %s\n    fix: %s", pos, p.Package, p.Version, p.Kind, p.Detail, p.Fix)
	}
	if e.Advice != "" {
		b.WriteString("\n" + e.Advice)
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// unreachable reports a network failure or an unreadable directory.
func unreachable(err error) bool {
	var ne net.Error
	var pe *fs.PathError
	return errors.As(err, &ne) || errors.As(err, &pe)
}

// wheelSources is what a build searched for files, for advice.
type wheelSources struct {
	findLinks []string
	indexURL  string // --index-url as given
	projDir   string
	lockPath  string
	lockDir   string   // local source trees are relative to it
	cacheDir  string   // packed source trees go under it
	outputs   []string // local output paths, left out of the packed project
	noProject bool     // app.install-project: false
}

func sourcesOf(o *Options, cfg *config.Config, lockPath string) wheelSources {
	s := wheelSources{findLinks: o.FindLinks, indexURL: o.IndexURL, projDir: o.Dir, lockPath: lockPath, lockDir: o.lockDir, cacheDir: o.CacheDir,
		noProject: !cfg.App.InstallsProject()}
	for _, out := range o.Outputs {
		for _, scheme := range []string{"oci:", "tar:"} {
			if path, ok := strings.CutPrefix(out, scheme); ok {
				s.outputs = append(s.outputs, path)
			}
		}
	}
	return s
}

// newProblem starts a problem for p at its lock position.
func (s wheelSources) newProblem(p lock.Package, kind ProblemKind) ArtifactProblem {
	file := p.File
	if file == "" {
		file = s.lockPath
	}
	if rel, err := filepath.Rel(s.projDir, file); err == nil && !strings.HasPrefix(rel, "..") {
		file = rel
	}
	return ArtifactProblem{Kind: kind, File: file, Line: p.Line, Package: p.Name, Version: p.Version}
}

// selectProblem classifies why no wheel was chosen for p.
func (s wheelSources) selectProblem(p lock.Package, target string, err error) ArtifactProblem {
	var nw *wheel.NoWheelError
	var uh *pyindex.UnhashedError
	switch {
	case errors.Is(err, wheel.ErrUnpinned) || errors.As(err, &uh):
		pr := s.newProblem(p, ProblemUnhashed)
		pr.Detail, pr.Fix = "the lock records no hash for it", "lock with hashes (pip-compile --generate-hashes, uv export), or pass --allow-unhashed"
		return pr
	case !errors.As(err, &nw) && unreachable(err):
		pr := s.newProblem(p, ProblemUnreachable)
		pr.Detail, pr.Fix = err.Error(), s.fetchFix()
		return pr
	case !errors.As(err, &nw):
		pr := s.newProblem(p, ProblemOther)
		pr.Detail, pr.Fix = err.Error(), s.fetchFix()
		return pr
	case len(nw.Wheels) == 0 && len(nw.Sdists) == 0 && len(nw.Mismatched) > 0:
		pr := s.newProblem(p, ProblemHashMismatch)
		pr.Filename = strings.SplitN(nw.Mismatched[0], " ", 2)[0]
		pr.Detail = "found " + strings.Join(nw.Mismatched, ", ") + ", not a hash the lock allows"
		pr.Fix = "replace it with the file the lock was made from (pinwheel fetch verifies by hash); if the new file is the one you trust, re-lock so the lock records its hash"
		return pr
	case len(nw.Sdists) > 0:
		pr := s.newProblem(p, ProblemNoWheel)
		pr.Sdist = nw.Sdists[0]
		pr.Detail = fmt.Sprintf("no wheel for %s; the lock allows the source distribution %s", target, nw.Sdists[0])
		pr.Fix = "pinwheel builds it from source only when the lock pins the sdist by sha256: re-lock with hashes, or build a wheel for " + target +
			" (pip wheel --no-deps " + nw.Sdists[0] + "), put it in a --find-links directory and re-lock so the lock records its hash"
		return pr
	case len(nw.Wheels) > 0 || nw.Reason != "" && !strings.Contains(nw.Reason, "listed files"):
		pr := s.newProblem(p, ProblemNoWheel)
		pr.Detail = strings.TrimPrefix(nw.Error(), fmt.Sprintf("%s %s: ", p.Name, p.Version))
		pr.Detail, _, _ = strings.Cut(pr.Detail, ": build a wheel")
		pr.Fix = "re-lock with a release that has a wheel for " + target + " (or its sdist), or set platforms/python in pinwheel.yaml to what the lock was resolved for"
		return pr
	}
	pr := s.newProblem(p, ProblemAbsent)
	pr.Detail = "no wheel of " + p.Name + " " + p.Version + " with a hash the lock allows in " + s.searched()
	pr.Fix = s.absentFix("the wheel of " + p.Name + " " + p.Version)
	return pr
}

// fetchProblem classifies why a chosen file could not be fetched.
func (s wheelSources) fetchProblem(c chosenWheel, err error) ArtifactProblem {
	var mm *pyindex.HashMismatchError
	var missing *pyindex.MissingError
	switch {
	case errors.As(err, &mm):
		pr := s.newProblem(c.pkg, ProblemHashMismatch)
		pr.Filename = c.artifact.Name
		pr.Detail = fmt.Sprintf("%s from %s has %s:%s; the lock pins %s:%s", c.artifact.Name, mm.Source, mm.Algorithm, mm.Actual, mm.Algorithm, mm.Expected)
		pr.Fix = "replace it with the file the lock was made from (pinwheel fetch verifies by hash); if the new file is the one you trust, re-lock so the lock records its hash"
		return pr
	case errors.As(err, &missing):
		pr := s.newProblem(c.pkg, ProblemAbsent)
		pr.Filename = c.artifact.Name
		pr.Detail = c.artifact.Name + " is in no source searched"
		if len(missing.Tried) > 0 {
			pr.Detail += " (" + strings.Join(missing.Tried, "; ") + ")"
		}
		pr.Fix = s.absentFix(c.artifact.Name)
		return pr
	}
	pr := s.newProblem(c.pkg, ProblemOther)
	pr.Filename = c.artifact.Name
	pr.Detail, pr.Fix = err.Error(), s.fetchFix()
	return pr
}

func (s wheelSources) searched() string {
	var parts []string
	for _, d := range s.findLinks {
		parts = append(parts, "--find-links "+d)
	}
	switch {
	case s.indexURL != "":
		parts = append(parts, "--index-url "+inputerr.RedactURL(s.indexURL))
	case len(s.findLinks) == 0:
		parts = append(parts, "the default index "+pyindex.DefaultIndexURL)
	}
	return strings.Join(parts, ", ")
}

func (s wheelSources) absentFix(what string) string {
	if len(s.findLinks) > 0 {
		return fmt.Sprintf("put %s in %s: `pinwheel fetch --dest %s --index-url URL` downloads every file the lock needs, by hash, where an index is reachable", what, s.findLinks[0], s.findLinks[0])
	}
	return fmt.Sprintf("pass --index-url URL of an index that has %s, or --find-links DIR holding it (`pinwheel fetch --dest DIR` fills one)", what)
}

func (s wheelSources) fetchFix() string {
	if len(s.findLinks) == 0 && s.indexURL == "" {
		return s.absentFix("it")
	}
	return "check that " + s.searched() + " is reachable and serves this file"
}

// advice is the note about the sources searched: without --find-links and
// --index-url only the default index was asked.
func (s wheelSources) advice() string {
	if len(s.findLinks) > 0 || s.indexURL != "" {
		return ""
	}
	return "no --find-links and no --index-url were given, so pinwheel searched only " + pyindex.DefaultIndexURL +
		" (and URLs in the lock). For an air-gapped build run `pinwheel fetch --dest wheelhouse --index-url URL` where an index is reachable," +
		" then `pinwheel build --find-links wheelhouse`; or pass --index-url URL of your index."
}

// artifactsError returns nil for no problems, else every problem sorted by
// lock position.
func (s wheelSources) artifactsError(ctx context.Context, problems []ArtifactProblem) error {
	if len(problems) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		// Interrupted (SIGTERM, a deadline): that is the cause, not the
		// files whose fetch it cut short.
		return err
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	return &ArtifactsError{Problems: problems, Advice: s.advice()}
}
