package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/sourcebuild"
)

// FetchResult is what Fetch put in the wheelhouse.
type FetchResult struct {
	Dir   string        `json:"dir"`
	Files []FetchedFile `json:"files"`
}

// FetchedFile is one file in the wheelhouse.
type FetchedFile struct {
	Filename string `json:"filename"`
	Package  string `json:"package"`
	Version  string `json:"version"`
	SHA256   string `json:"sha256"`
	Source   string `json:"source"`  // where it was fetched from ("cache" when already cached)
	Written  bool   `json:"written"` // false when the wheelhouse already held this exact file
	path     string // the verified file in the cache
}

// Fetch downloads into the directory out every file the build of o.Dir
// installs, for each target platform (the config's, or o.Platforms) and the
// configured Python, verified by the lock's hashes: `pinwheel fetch --dest W`
// where an index is reachable, then `pinwheel build --find-links W`
// anywhere. Every problem is reported at once (an *ArtifactsError); nothing
// is written unless every file was fetched. Files are written whole (temp
// file and rename, in out), only under their own base name.
func Fetch(ctx context.Context, o Options, out string) (*FetchResult, error) {
	o.defaults()
	cfg, err := config.Load(o.Dir)
	if err != nil {
		return nil, err
	}
	o.NoGit = true // the wheelhouse does not depend on the commit
	in, err := gatherInputs(ctx, cfg, &o)
	if err != nil {
		return nil, err
	}
	if in.lock == nil {
		return nil, &usageErr{errors.New("fetch needs the lock (not --deps-dir)")}
	}
	client, err := pyindex.New(pyindexOptions(&o)...)
	if err != nil {
		return nil, &usageErr{err}
	}
	sel, err := lock.Select(in.lock, cfg.Want())
	if err != nil {
		return nil, err
	}
	srcs := sourcesOf(&o, cfg, in.lock.Path)
	var chosen []chosenWheel
	var problems []ArtifactProblem
	seen := map[string]bool{}
	targets := map[string]pep.Target{} // the first target each file was chosen for
	for _, ps := range in.platforms {
		p, err := v1.ParsePlatform(ps)
		if err != nil {
			return nil, &usageErr{fmt.Errorf("platform %q: %w", ps, err)}
		}
		base, err := in.base.Image(*p)
		if err != nil {
			return nil, err
		}
		target, _, err := wheelTarget(base, *p, cfg.Python, o.CacheDir)
		if err != nil {
			return nil, err
		}
		cs, ps := chooseWheels(ctx, sel, target, false, newLister(func() (*pyindex.Client, error) { return client, nil }), srcs)
		problems = append(problems, ps...)
		for _, c := range cs {
			if !seen[c.artifact.Name] {
				seen[c.artifact.Name] = true
				targets[c.artifact.Name] = target
				chosen = append(chosen, c)
			}
		}
	}
	fetched, more := fetchChosen(ctx, client, chosen, &o, srcs)
	if err := srcs.artifactsError(ctx, append(problems, more...)); err != nil {
		return nil, err
	}
	var files []FetchedFile
	for i, f := range fetched {
		c := chosen[i]
		files = append(files, FetchedFile{Filename: c.artifact.Name, Package: c.pkg.Name, Version: c.pkg.Version, SHA256: f.SHA256, Source: f.Source, path: f.Path})
		if !c.sdist {
			continue
		}
		// The sdist is built from source: its build requirements too.
		sb := &sourceBuilds{locks: []*lock.Lock{in.lock, in.buildLock}, target: targets[c.artifact.Name], client: client,
			list: newLister(func() (*pyindex.Client, error) { return client, nil }), srcs: srcs, o: &o}
		bs, err := sourcebuild.ReadBuildSystem(f.Path)
		if err != nil {
			return nil, err
		}
		deps, err := sb.requirements(ctx, c, bs)
		if err != nil {
			return nil, err
		}
		for _, d := range deps {
			files = append(files, FetchedFile{Filename: d.Filename, SHA256: d.SHA256, Source: "build requirement of " + c.artifact.Name, path: d.Path})
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, &usageErr{fmt.Errorf("--dest %s: %w", out, err)}
	}
	res := &FetchResult{Dir: out}
	done := map[string]bool{}
	for _, f := range files {
		if done[f.Filename] {
			continue
		}
		done[f.Filename] = true
		written, err := placeFile(ctx, out, f.Filename, f.path, f.SHA256)
		if err != nil {
			return res, err
		}
		f.Written = written
		res.Files = append(res.Files, f)
	}
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].Filename < res.Files[j].Filename })
	return res, nil
}

// placeFile copies the verified file src into dir as name: whole (temp
// file in dir, then rename, so a reader never sees half a file and a link
// at dir/name is replaced, never followed), re-hashed on the way. It
// leaves a file that already has sha alone and reports whether it wrote.
func placeFile(ctx context.Context, dir, name, src, sha string) (bool, error) {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name || filepath.IsAbs(name) {
		return false, fmt.Errorf("refusing to write %q: not a plain file name", name)
	}
	dst := filepath.Join(dir, name)
	if got, err := safefs.SHA256(dir, dst); err == nil && got == sha {
		return false, nil
	}
	in, err := os.Open(src)
	if err != nil {
		return false, err
	}
	defer in.Close()
	tmp, err := renameio.NewPendingFile(dst, renameio.WithTempDir(dir), renameio.WithStaticPermissions(0o644))
	if err != nil {
		return false, err
	}
	defer tmp.Cleanup()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), safefs.ContextReader(ctx, in)); err != nil {
		return false, fmt.Errorf("write %s: %w", dst, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return false, fmt.Errorf("%s changed in the cache (sha256 %s, verified %s): not written", src, got, sha)
	}
	return true, tmp.CloseAtomicallyReplace()
}
