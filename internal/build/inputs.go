package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/lock"
)

// inputs are the resolved inputs shared by every platform.
type inputs struct {
	info      attest.BuildInfo
	platforms []string
	base      *image.Base
	debian    *debian.Base // set when the base is assembled from base.debian
	lock      *lock.Lock   // nil when DepsDir replaces the lock
	buildLock *lock.Lock   // Options.BuildLock, when given
	materials []attest.Material
	params    map[string]any
	epoch     time.Time

	cacheHits, cacheMisses int
	cache                  attest.CacheStats
}

func gatherInputs(ctx context.Context, cfg *config.Config, o *Options) (*inputs, error) {
	for _, d := range o.FindLinks {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, &usageErr{fmt.Errorf("--find-links %s: not a directory (a wheelhouse: `pinwheel fetch --dest %s` fills one)", d, d)}
		}
	}
	in := &inputs{platforms: cfg.Platforms}
	if len(o.Platforms) > 0 {
		in.platforms = o.Platforms
	}
	info := attest.BuildInfo{Service: cfg.Service, PythonVersion: cfg.Python, BaseImage: cfg.Base,
		BuilderVersion: o.BuilderVersion, Reproducible: !o.AllowUnhashed}

	var commitTime time.Time
	if r := o.Recorded; r != nil {
		info.GitCommit, info.GitDirty, info.GitSource, info.Version = r.GitCommit, r.GitDirty, r.GitSource, r.Version
		commitTime = r.Epoch
	} else if !o.NoGit {
		if g, ok := attest.ReadGit(ctx, cfg.Dir); ok {
			info.GitCommit, info.GitDirty, info.GitSource = g.Commit, g.Dirty, g.Source
			commitTime, info.GitCommitTime = g.CommitTime, g.CommitTime
		}
	}
	epoch, err := sourceDateEpoch(o, commitTime)
	if err != nil {
		return nil, err
	}
	in.epoch, o.epoch = epoch, epoch
	if info.Version == "" {
		info.Version = version(cfg, info.GitCommit)
	}
	if ci, ok := attest.DetectCI(o.Getenv); ok {
		info.CIProvider, info.CIRunID, info.CIRunURL = ci.Provider, ci.RunID, ci.RunURL
	}
	if o.RunID != "" {
		info.CIRunID = o.RunID
	}

	ref, err := resolveBase(ctx, cfg, o, in)
	if err != nil {
		return nil, err
	}
	if cfg.Debian != nil {
		info.BaseImage = ref.String()
	}
	info.BaseDigest = in.base.Digest.String()
	in.materials = append(in.materials, attest.Material{Name: "base", URI: baseURI(ref), Digest: map[string]string{"sha256": in.base.Digest.Hex}})
	in.materials = append(in.materials, debMaterials(in.debian)...)
	if info.GitCommit != "" {
		uri := "git:" + info.GitCommit // no remote: the commit alone names the source
		if info.GitSource != "" {
			uri = "git+" + info.GitSource + "@" + info.GitCommit
		}
		in.materials = append(in.materials, attest.Material{Name: "source", URI: uri,
			Digest: map[string]string{"gitCommit": info.GitCommit}})
	}

	if o.DepsDir == "" {
		lp, err := lockPath(cfg)
		if err != nil {
			if errors.Is(err, lock.ErrNoLockfile) {
				return nil, fmt.Errorf("%w; set lockfile: in %s", err, config.FileName)
			}
			return nil, err
		}
		if in.lock, err = lock.ParseFile(lp, lock.WithRoot(cfg.Dir)); err != nil {
			return nil, err
		}
		if err := checkLockPaths(in.lock, filepath.Dir(lp), cfg.Dir); err != nil {
			return nil, err
		}
		if _, err := cfg.Select(in.lock); err != nil { // groups:/extras: the lock lacks, at their line
			return nil, err
		}
		o.lockDir = filepath.Dir(lp)
		if o.BuildLock != "" {
			if in.buildLock, err = lock.ParseFile(o.BuildLock); err != nil {
				return nil, &usageErr{fmt.Errorf("--build-lock: %w", err)}
			}
		}
		info.LockHash, info.LockFormat = lock.Hash(in.lock), string(in.lock.Format)
	}
	in.info = info
	in.params = externalParameters(cfg, in.platforms)
	return in, nil
}

// sourceDateEpoch: SOURCE_DATE_EPOCH, else the recorded or commit time, else 0.
func sourceDateEpoch(o *Options, commitTime time.Time) (time.Time, error) {
	if o.Recorded != nil {
		return o.Recorded.Epoch.UTC(), nil
	}
	t, ok, err := attest.ParseSourceDateEpoch(o.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return time.Time{}, &usageErr{err}
	}
	if ok {
		return t.UTC(), nil
	}
	if !commitTime.IsZero() {
		return commitTime.UTC(), nil
	}
	return time.Unix(0, 0).UTC(), nil
}

func version(cfg *config.Config, commit string) string {
	switch {
	case cfg.Version != "":
		return cfg.Version
	case len(commit) >= 12:
		return "0.0.0-" + commit[:12]
	}
	return "0.0.0-dev"
}

func baseURI(ref config.BaseRef) string {
	if ref.Kind == config.BaseRegistry {
		return "oci://" + ref.Ref + "@" + ref.Digest
	}
	return ref.String()
}

// externalParameters are the user-controlled inputs recorded in provenance:
// pinwheel.yaml as written (minus sections that do not affect the image;
// env values only as digests, see config.Snapshot) and the platforms built.
func externalParameters(cfg *config.Config, platforms []string) map[string]any {
	raw, err := config.Snapshot(cfg.Path)
	if err != nil {
		raw = map[string]any{}
	}
	delete(raw, "rollout")
	delete(raw, "runtime")
	delete(raw, "notify")
	return map[string]any{"config": raw, "platforms": platforms}
}

func mergeMaterials(a, b []attest.Material) []attest.Material {
	seen := map[string]bool{}
	var out []attest.Material
	for _, m := range append(append([]attest.Material{}, a...), b...) {
		if !seen[m.URI] {
			seen[m.URI] = true
			out = append(out, m)
		}
	}
	return out
}
