package build

import (
	"context"
	"fmt"
	"sort"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/sourcebuild"
)

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
	if err := s.srcs.artifactsError(ctx, problems); err != nil {
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
			if isProjectItself(c.pkg) {
				pr.Fix += "; or, to ship the project only as the app layer (no wheel, no entry points), set app.install-project: false in pinwheel.yaml"
			}
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
	if err := s.srcs.artifactsError(ctx, append(problems, more...)); err != nil {
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
