package build

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/sourcebuild"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// SourceBuildResult is one wheel this build made from source.
type SourceBuildResult struct {
	Package  string   `json:"package"`
	Version  string   `json:"version"`
	Source   string   `json:"source"`
	Wheel    string   `json:"wheel"`
	SHA256   string   `json:"sha256"`
	Backend  string   `json:"backend"`
	Requires []string `json:"requires"` // the build requirement wheels installed
	CacheHit bool     `json:"cacheHit"`
	Seconds  float64  `json:"seconds"`
	// Identical is set when the build was checked (Options.RebuildSources):
	// whether a second, uncached build gave the same bytes.
	Identical *bool `json:"identical,omitempty"`
}

// sdistFallback: p has no wheel for the target, but the lock allows a
// source distribution pinned by sha256; it is built instead.
func sdistFallback(ctx context.Context, p lock.Package, err error, list lister) (lock.Artifact, bool) {
	var nw *wheel.NoWheelError
	if !errors.As(err, &nw) || len(nw.Sdists) == 0 {
		return lock.Artifact{}, false
	}
	a, ok := wheel.SelectSdist(p, nil)
	if !ok {
		listed, lerr := list(ctx, p.Name)
		if lerr != nil {
			return lock.Artifact{}, false
		}
		a, ok = wheel.SelectSdist(p, listed)
	}
	return a, ok && a.Hashes["sha256"] != ""
}

// sourceBuilds builds the chosen sdists of one platform in its base image.
type sourceBuilds struct {
	locks   []*lock.Lock // where build requirements are looked up, in order
	target  pep.Target
	image   v1.Image
	interp  string
	python  string
	epoch   time.Time
	client  *pyindex.Client
	list    lister
	srcs    wheelSources
	o       *Options
	plans   map[string]buildPlan // by sdist file name, from plan
	results []SourceBuildResult
}

// build turns the fetched sdist of c into a wheel that fits the target and
// returns its path and file name.
func (s *sourceBuilds) build(ctx context.Context, c chosenWheel, sdistPath string) (string, string, error) {
	plan, ok := s.plans[c.artifact.Name]
	if !ok {
		return "", "", fmt.Errorf("%s: no build plan (internal error)", c.artifact.Name)
	}
	bs, deps := plan.system, plan.deps
	rc, err := container.Detect()
	if err != nil {
		return "", "", fmt.Errorf("%s %s has no wheel for %s, only %s, and building it needs runc: %w", c.pkg.Name, c.pkg.Version, s.target, c.artifact.Name, err)
	}
	req := sourcebuild.Request{Sdist: sdistPath, Name: c.artifact.Name, SHA256: c.sha256, Image: s.image, Interpreter: s.interp, Python: s.python,
		Target: s.target.String(), System: bs, Deps: deps, Epoch: s.epoch, CacheDir: s.o.CacheDir}
	b := &sourcebuild.Builder{Runc: rc}
	res, err := b.Build(ctx, req)
	if err != nil {
		return "", "", err
	}
	wn, err := pep.ParseWheelFilename(res.Filename)
	if err != nil {
		return "", "", err
	}
	if _, ok := s.target.Ranks().Rank(wn); !ok {
		return "", "", fmt.Errorf("building %s gave %s, which does not fit %s", c.artifact.Name, res.Filename, s.target)
	}
	r := SourceBuildResult{Package: c.pkg.Name, Version: c.pkg.Version, Source: c.artifact.Name, Wheel: res.Filename, SHA256: res.SHA256,
		Backend: bs.Backend, CacheHit: res.CacheHit, Seconds: res.Duration.Seconds()}
	for _, d := range deps {
		r.Requires = append(r.Requires, d.Filename)
	}
	if s.o.RebuildSources {
		req.Fresh = true
		again, err := b.Build(ctx, req)
		if err != nil {
			return "", "", fmt.Errorf("rebuild %s: %w", c.artifact.Name, err)
		}
		same := again.SHA256 == res.SHA256
		r.Identical = &same
	}
	s.results = append(s.results, r)
	return res.Wheel, res.Filename, nil
}

func anySdist(cs []chosenWheel) bool {
	for _, c := range cs {
		if c.sdist {
			return true
		}
	}
	return false
}

// sourceKey is what the dependencies layer's cache key adds when a wheel
// is built from source: the sdists and the build image (plan adds the
// build requirements). It records the builds in the build-info (by sdist
// and hash).
func sourceKey(chosen []chosenWheel, in *inputs, base v1.Image) (string, error) {
	var parts []string
	for _, c := range chosen {
		if !c.sdist {
			continue
		}
		parts = append(parts, c.artifact.Name)
		recordSourceBuild(in, c)
	}
	if len(parts) == 0 {
		return "", nil
	}
	d, err := base.Digest()
	if err != nil {
		return "", err
	}
	parts = append(parts, "built in "+d.String())
	return fmt.Sprint(parts), nil
}

func recordSourceBuild(in *inputs, c chosenWheel) {
	for _, b := range in.info.SourceBuilds {
		if b.Source == c.artifact.Name {
			return
		}
	}
	in.info.SourceBuilds = append(in.info.SourceBuilds, attest.SourceBuild{Package: c.pkg.Name, Version: c.pkg.Version,
		Source: c.artifact.Name, SourceSHA256: c.sha256})
}

// packTree packs p's local source tree (a directory or editable source
// other than the project itself: a workspace member, a vendored library)
// into an sdist-shaped archive under the cache, to be built like an sdist;
// its hash names the source. ok is false for other sources.
func (s wheelSources) packTree(p lock.Package) (lock.Artifact, bool, error) {
	if (p.Source.Kind != lock.SourceDirectory && p.Source.Kind != lock.SourceEditable) || p.Source.Path == "" {
		return lock.Artifact{}, false, nil
	}
	dir := p.Source.Path
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(s.lockDir, dir)
	}
	version := cmp.Or(p.Version, "0")
	top := strings.ReplaceAll(p.Name, "-", "_") + "-" + version
	path, sum, err := sourcebuild.Pack(dir, top, filepath.Join(s.cacheDir, "sourcetrees"), time.Unix(0, 0), nil)
	if err != nil {
		return lock.Artifact{}, true, err
	}
	return lock.Artifact{Kind: lock.ArtifactSdist, Name: top + ".tar.gz", Path: path, Hashes: map[string]string{"sha256": sum}}, true, nil
}

// packProject packs the project itself when the lock installs it as a
// package — an editable or directory source at "." whose pyproject.toml
// declares a [build-system] — so that it is built and installed like a
// workspace member: its console scripts and entry points then exist in the
// image. ok is false for a virtual project and for one without a build
// backend (its code is only the app layer). The project's own caches,
// wheelhouses and outputs are left out of the packed tree.
func (s wheelSources) packProject(ctx context.Context, p lock.Package) (lock.Artifact, bool, error) {
	if p.Source.Kind == lock.SourceVirtual || s.noProject {
		return lock.Artifact{}, false, nil
	}
	dir := s.lockDir
	declared, err := declaresBuildBackend(ctx, dir)
	if err != nil || !declared {
		return lock.Artifact{}, err != nil, err
	}
	version := cmp.Or(p.Version, "0")
	top := strings.ReplaceAll(p.Name, "-", "_") + "-" + version
	path, sum, err := sourcebuild.Pack(dir, top, filepath.Join(s.cacheDir, "sourcetrees"), time.Unix(0, 0), s.projectOwnFiles())
	if err != nil {
		return lock.Artifact{}, true, err
	}
	return lock.Artifact{Kind: lock.ArtifactSdist, Name: top + ".tar.gz", Path: path, Hashes: map[string]string{"sha256": sum}}, true, nil
}

// projectOwnFiles reports the paths in the project that are pinwheel's,
// not the package's: .pinwheel/, the cache, --find-links directories, and
// local outputs with the attestations written beside them (PATH.*).
func (s wheelSources) projectOwnFiles() func(string) bool {
	var dirs, outputs []string
	for _, d := range append([]string{filepath.Join(s.projDir, ".pinwheel"), s.cacheDir}, s.findLinks...) {
		if abs, err := filepath.Abs(d); err == nil {
			dirs = append(dirs, abs)
		}
	}
	for _, o := range s.outputs {
		if abs, err := filepath.Abs(o); err == nil {
			outputs = append(outputs, abs)
		}
	}
	return func(p string) bool {
		for _, d := range dirs {
			if p == d {
				return true
			}
		}
		for _, o := range outputs {
			if p == o || strings.HasPrefix(p, o+".") {
				return true
			}
		}
		return false
	}
}

// declaresBuildBackend reports whether dir's pyproject.toml has a
// [build-system] table (PEP 518): the project is a package to build.
func declaresBuildBackend(ctx context.Context, dir string) (bool, error) {
	data, err := safefs.ReadFile(ctx, dir, filepath.Join(dir, "pyproject.toml"), 4<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var doc struct {
		BuildSystem *struct {
			Requires []string `toml:"requires"`
		} `toml:"build-system"`
	}
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return false, fmt.Errorf("pyproject.toml: %w", err)
	}
	return doc.BuildSystem != nil, nil
}
