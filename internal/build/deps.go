package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// VenvDir is where the dependencies layer puts its virtual environment.
// Running VenvDir/bin/python (first on PATH) gives the locked packages
// with normal site-packages semantics (.pth files included).
const VenvDir = "/opt/pinwheel/venv"

// chosenWheel is the wheel a locked package installs for one platform.
type chosenWheel struct {
	pkg      lock.Package
	artifact lock.Artifact
	sha256   string
	sdist    bool // artifact is a source distribution to build (no wheel fits)
}

// chooseWheels picks, for every package of the selection (lock.Select:
// the production set plus pinwheel.yaml's groups and extras) the target
// installs, the wheel wheel.Select says fits best among the files the lock
// names (or, for locks that record only hashes, among the wheels list
// offers with one of those hashes). Packages whose marker is false for the
// target (evaluated with the selection's extras and dependency groups) are
// skipped. Every package is tried: those without a usable wheel come back
// as problems, each naming its lock line and what to do.
func chooseWheels(ctx context.Context, sel *lock.Selection, target pep.Target, allowUnhashed bool, list lister, srcs wheelSources) ([]chosenWheel, []ArtifactProblem) {
	env := sel.Env(pep.EnvironmentFor(target))
	var out []chosenWheel
	var problems []ArtifactProblem
	for _, p := range sel.Packages {
		if isProjectItself(p) {
			if tree, ok, err := srcs.packProject(ctx, p); ok || err != nil {
				if err != nil {
					pr := srcs.newProblem(p, ProblemOther)
					pr.Detail, pr.Fix = err.Error(), "fix the project's pyproject.toml, or lock it as virtual (uv: tool.uv.package = false)"
					problems = append(problems, pr)
					continue
				}
				out = append(out, chosenWheel{pkg: p, artifact: tree, sha256: tree.Hashes["sha256"], sdist: true})
			}
			continue
		}
		if p.Marker != "" {
			m, err := pep.ParseMarker(p.Marker)
			if err != nil {
				problems = append(problems, srcs.selectProblem(p, target.String(), fmt.Errorf("marker %q: %w", p.Marker, err)))
				continue
			}
			if ok, err := m.EvaluateWithExtras(env, sel.Extras...); err != nil || !ok {
				continue
			}
		}
		if tree, ok, err := srcs.packLocal(ctx, p); ok || err != nil {
			if err != nil {
				pr := srcs.newProblem(p, ProblemOther)
				pr.Detail, pr.Fix = err.Error(), "make the source tree readable, inside the project"
				if p.Source.Kind == lock.SourceGit {
					pr.Fix = "make the repository reachable (git fetches it into the cache once) and lock the commit, or build a wheel, pass --find-links DIR and re-lock"
				}
				problems = append(problems, pr)
				continue
			}
			out = append(out, chosenWheel{pkg: p, artifact: tree, sha256: tree.Hashes["sha256"], sdist: true})
			continue
		}
		a, err := selectWheel(ctx, p, target, allowUnhashed, list)
		if sd, ok := sdistFallback(ctx, p, err, list); ok {
			out = append(out, chosenWheel{pkg: p, artifact: sd, sha256: sd.Hashes["sha256"], sdist: true})
			continue
		}
		if err != nil {
			problems = append(problems, srcs.selectProblem(p, target.String(), err))
			continue
		}
		sum := a.Hashes["sha256"]
		if sum == "" && !allowUnhashed {
			pr := srcs.newProblem(p, ProblemUnhashed)
			pr.Filename, pr.Detail = a.Name, a.Name+" has no sha256 in the lock"
			pr.Fix = "lock with sha256 hashes, or pass --allow-unhashed"
			problems = append(problems, pr)
			continue
		}
		out = append(out, chosenWheel{pkg: p, artifact: a, sha256: sum})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].artifact.Name < out[j].artifact.Name })
	return out, problems
}

// selectWheel picks p's wheel among the files the lock names; for locks
// that record only hashes, among the listed files with one of those hashes;
// for locks that record nothing (and only with allowUnhashed), among the
// listed wheels of the locked version.
func selectWheel(ctx context.Context, p lock.Package, target pep.Target, allowUnhashed bool, list lister) (lock.Artifact, error) {
	a, err := wheel.Select(p, target)
	hashOnly := errors.Is(err, wheel.ErrHashOnly)
	unpinned := errors.Is(err, wheel.ErrUnpinned) && allowUnhashed
	if !hashOnly && !unpinned {
		return a, err
	}
	listed, err := list(ctx, p.Name)
	if err != nil {
		return lock.Artifact{}, fmt.Errorf("%s %s: list files: %w", p.Name, p.Version, err)
	}
	if hashOnly {
		return wheel.SelectListed(p, target, listed)
	}
	return wheel.SelectUnpinned(p, target, listed)
}

// isProjectItself reports the lock's entry for the project being built
// (uv and pdm lock it as a virtual, editable or directory source at "."):
// its code goes into the app layer; when it is a package (not virtual, a
// build backend declared) it is also built into a wheel and installed
// with the dependencies (packProject), as `uv sync --no-editable` would.
func isProjectItself(p lock.Package) bool {
	switch p.Source.Kind {
	case lock.SourceVirtual:
		return true
	case lock.SourceEditable, lock.SourceDirectory:
		return filepath.Clean(p.Source.Path) == "."
	}
	return false
}

// venvScheme is the installation scheme of the image's virtual environment,
// rooted at the staging directory stage.
func venvScheme(stage, python string) wheel.Scheme {
	v := filepath.Join(stage, filepath.FromSlash(VenvDir))
	site := filepath.Join(v, "lib", "python"+python, "site-packages")
	return wheel.Scheme{
		Purelib: site, Platlib: site,
		Scripts:     filepath.Join(v, "bin"),
		Data:        v,
		Headers:     filepath.Join(v, "include", "site", "python"+python),
		Interpreter: path.Join(VenvDir, "bin", "python"),
	}
}

// venvEntries are the files that make VenvDir a virtual environment of the
// base image's interpreter.
func venvEntries(interpreter, python string) []image.Entry {
	cfg := fmt.Sprintf("home = %s\ninclude-system-site-packages = false\nversion = %s\n", path.Dir(interpreter), python)
	rel := strings.TrimPrefix(VenvDir, "/")
	return []image.Entry{
		image.BytesEntry(rel+"/pyvenv.cfg", []byte(cfg), 0o644),
		{Path: rel + "/bin/python", Type: image.TypeSymlink, Link: interpreter},
		{Path: rel + "/bin/python3", Type: image.TypeSymlink, Link: "python"},
		{Path: rel + "/bin/python" + python, Type: image.TypeSymlink, Link: "python"},
		{Path: rel + "/lib/python" + python + "/site-packages", Type: image.TypeDir},
	}
}

// fetchAndInstall downloads the chosen wheels (hash-verified, cached) and
// installs them into stage for the image's Python version (wheels whose
// Requires-Python excludes it are refused; the lock's direct dependencies
// get a REQUESTED file). It returns the materials for provenance and the
// fetch facts (cache hits).
func fetchAndInstall(ctx context.Context, client *pyindex.Client, chosen []chosenWheel, stage, python string, scheme wheel.Scheme, o *Options, srcs wheelSources, sb *sourceBuilds) ([]attest.Material, []pyindex.Fetched, error) {
	fetched, problems := fetchChosen(ctx, client, chosen, o, srcs)
	if err := srcs.artifactsError(ctx, problems); err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(scheme.Purelib, 0o755); err != nil {
		return nil, nil, err
	}
	var mats []attest.Material
	for i, f := range fetched {
		c := chosen[i]
		path, name := f.Path, c.artifact.Name
		if c.sdist {
			var err error
			if path, name, err = sb.build(ctx, c, f.Path); err != nil {
				return nil, nil, err
			}
		}
		if _, err := wheel.Install(ctx, path, scheme, wheel.WithFilename(name), wheel.WithModTime(o.epoch),
			wheel.WithLogger(o.Logger), wheel.WithRequested(c.pkg.Direct), wheel.WithPythonVersion(python)); err != nil {
			return nil, nil, fmt.Errorf("install %s: %w", name, err)
		}
		mats = append(mats, attest.Material{Name: c.artifact.Name,
			URI:    "pkg:pypi/" + c.pkg.Name + "@" + c.pkg.Version + "?file_name=" + c.artifact.Name,
			Digest: map[string]string{"sha256": f.SHA256}})
	}
	return mats, fetched, nil
}

// fetchChosen fetches every chosen file into the client's cache, verified;
// each one that cannot be fetched is a problem.
func fetchChosen(ctx context.Context, client *pyindex.Client, chosen []chosenWheel, o *Options, srcs wheelSources) ([]pyindex.Fetched, []ArtifactProblem) {
	wants := make([]pyindex.Want, len(chosen))
	for i, c := range chosen {
		wants[i] = pyindex.Want{Package: c.pkg.Name, Version: c.pkg.Version, Filename: c.artifact.Name,
			URL: c.artifact.URL, Path: c.artifact.Path, Hashes: c.artifact.Hashes, Size: c.artifact.Size}
		if c.artifact.Path != "" && !filepath.IsAbs(c.artifact.Path) && o.lockDir != "" {
			wants[i].Path = filepath.Join(o.lockDir, c.artifact.Path)
		}
	}
	fetched, errs := client.FetchEach(ctx, wants)
	var problems []ArtifactProblem
	for i, err := range errs {
		if err != nil {
			problems = append(problems, srcs.fetchProblem(chosen[i], err))
		}
	}
	return fetched, problems
}
