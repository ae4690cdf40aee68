package build

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
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

// buildPlan is what one sdist's build needs, known before it runs.
type buildPlan struct {
	system sourcebuild.BuildSystem
	deps   []sourcebuild.Dep
}

// plan fetches every chosen sdist, reads its [build-system] and resolves
// its build requirements, so the dependency layer's cache key and the
// provenance name the exact build requirement wheels whether or not a
// build runs. It returns those wheels as materials and key parts.
func (s *sourceBuilds) plan(ctx context.Context, chosen []chosenWheel) ([]attest.Material, []string, error) {
	var sdists []chosenWheel
	for _, c := range chosen {
		if c.sdist {
			sdists = append(sdists, c)
		}
	}
	if len(sdists) == 0 {
		return nil, nil, nil
	}
	fetched, problems := fetchChosen(ctx, s.client, sdists, s.o, s.srcs)
	if err := s.srcs.artifactsError(problems); err != nil {
		return nil, nil, err
	}
	s.plans = map[string]buildPlan{}
	var mats []attest.Material
	var keys []string
	for i, c := range sdists {
		bs, err := sourcebuild.ReadBuildSystem(fetched[i].Path)
		if err != nil {
			return nil, nil, err
		}
		deps, err := s.requirements(ctx, c, bs)
		if err != nil {
			return nil, nil, err
		}
		s.plans[c.artifact.Name] = buildPlan{system: bs, deps: deps}
		keys = append(keys, "build "+c.artifact.Name+" with "+bs.Backend)
		for _, d := range deps {
			keys = append(keys, "  "+d.Filename+"="+d.SHA256)
			uri := "pkg:pypi/" + d.Filename
			if wn, err := pep.ParseWheelFilename(d.Filename); err == nil {
				uri = "pkg:pypi/" + wn.NormalizedName() + "@" + wn.Version + "?file_name=" + d.Filename
			}
			mats = append(mats, attest.Material{Name: d.Filename, URI: uri, Digest: map[string]string{"sha256": d.SHA256}})
		}
	}
	return mats, keys, nil
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

// requirements resolves bs.Requires to wheels the locks pin (with the
// dependencies the lock records for them), fetched and verified.
func (s *sourceBuilds) requirements(ctx context.Context, c chosenWheel, bs sourcebuild.BuildSystem) ([]sourcebuild.Dep, error) {
	env := pep.EnvironmentFor(s.target)
	var chosen []chosenWheel
	var problems []ArtifactProblem
	seen := map[string]bool{}
	var add func(name string, spec pep.SpecifierSet, why string)
	add = func(name string, spec pep.SpecifierSet, why string) {
		if seen[name] {
			return
		}
		seen[name] = true
		p, ok := s.find(name)
		if !ok {
			pr := s.srcs.newProblem(c.pkg, ProblemBuildRequirement)
			pr.Filename = c.artifact.Name
			pr.Detail = fmt.Sprintf("building %s needs %s%s (%s), which no lock pins", c.artifact.Name, name, spec.String(), why)
			pr.Fix = "lock it with its hash: add it to the lock, or to a build lock passed with --build-lock FILE (a requirements file with --hash lines)"
			problems = append(problems, pr)
			return
		}
		if v, err := pep.ParseVersion(p.Version); spec.Len() > 0 && err == nil && !spec.Contains(v, true) {
			pr := s.srcs.newProblem(p, ProblemBuildRequirement)
			pr.Detail = fmt.Sprintf("building %s needs %s%s (%s); the lock pins %s", c.artifact.Name, name, spec.String(), why, p.Version)
			pr.Fix = "lock a version of " + name + " that satisfies " + spec.String() + ", in the lock or a --build-lock"
			problems = append(problems, pr)
			return
		}
		a, err := selectWheel(ctx, p, s.target, false, s.list)
		if err != nil || a.Hashes["sha256"] == "" {
			if err == nil {
				err = fmt.Errorf("%s has no sha256 in the lock", a.Name)
			}
			problems = append(problems, s.srcs.selectProblem(p, s.target.String(), err))
			return
		}
		chosen = append(chosen, chosenWheel{pkg: p, artifact: a, sha256: a.Hashes["sha256"]})
		for _, d := range p.Dependencies {
			if d.Marker != "" {
				if m, err := pep.ParseMarker(d.Marker); err == nil {
					if ok, err := m.Evaluate(env); err != nil || !ok {
						continue
					}
				}
			}
			add(d.Name, pep.SpecifierSet{}, "needed by "+p.Name)
		}
	}
	for _, raw := range bs.Requires {
		r, err := pep.ParseRequirement(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: [build-system] requires %q: %w", c.artifact.Name, raw, err)
		}
		if ok, err := r.Marker.Evaluate(env); err == nil && !ok {
			continue
		}
		add(r.NormalizedName(), r.Specifier, "[build-system] requires")
	}
	fetched, more := fetchChosen(ctx, s.client, chosen, s.o, s.srcs)
	if err := s.srcs.artifactsError(append(problems, more...)); err != nil {
		return nil, err
	}
	deps := make([]sourcebuild.Dep, len(chosen))
	for i, w := range chosen {
		deps[i] = sourcebuild.Dep{Filename: w.artifact.Name, Path: fetched[i].Path, SHA256: fetched[i].SHA256}
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Filename < deps[j].Filename })
	return deps, nil
}

// find returns the package name as the first lock that has it pins it.
func (s *sourceBuilds) find(name string) (lock.Package, bool) {
	for _, l := range s.locks {
		if l == nil {
			continue
		}
		if p, ok := l.Find(name); ok {
			return p, true
		}
	}
	return lock.Package{}, false
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
