package build

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// BuildInfoPath is where the build-info layer puts BuildInfo in the image.
const BuildInfoPath = "/usr/share/pinwheel/build-info.json"

// layerFormat versions how pinwheel lays out the dependencies layer; bump it
// to invalidate cached layers.
const layerFormat = "pinwheel-deps-v2"

func buildPlatform(ctx context.Context, cfg *config.Config, in *inputs, p v1.Platform, o *Options) (v1.Image, PlatformResult, []attest.Material, error) {
	pr := PlatformResult{Platform: p.String()}
	base, err := in.base.Image(p)
	if err != nil {
		return nil, pr, nil, err
	}
	mt, err := image.LayerMediaType(base)
	if err != nil {
		return nil, pr, nil, err
	}
	lopts := []image.LayerOption{image.WithMTime(in.epoch), image.WithMediaType(mt)}

	target, libc, err := wheelTarget(base, p, cfg.Python, o.CacheDir)
	if err != nil {
		return nil, pr, nil, err
	}
	pr.Libc = libc
	deps, hit, mats, err := depsLayer(ctx, cfg, in, p, target, o, lopts, &pr)
	if err != nil {
		return nil, pr, nil, err
	}
	app, err := appLayer(cfg, lopts)
	if err != nil {
		return nil, pr, nil, err
	}
	bi, err := buildInfoLayer(in.info, lopts)
	if err != nil {
		return nil, pr, nil, err
	}
	layers := []image.Layer{
		{Layer: deps, CreatedBy: "pinwheel: dependencies " + describeDeps(in)},
		{Layer: app, CreatedBy: "pinwheel: app files → " + cfg.App.Dest},
		{Layer: bi, CreatedBy: "pinwheel: build-info → " + BuildInfoPath},
	}
	if err := refuseSecrets(cfg, base, []scannedLayer{{"dependencies", deps, secrets.Names}, {"app", app, secrets.Contents}, {"build-info", bi, secrets.Contents}}); err != nil {
		return nil, pr, nil, err
	}
	img, err := image.Build(image.Spec{Platform: p, Base: base, Layers: layers, Created: in.epoch, Config: imageConfig(cfg, in)})
	if err != nil {
		return nil, pr, nil, err
	}
	d, err := img.Digest()
	if err != nil {
		return nil, pr, nil, err
	}
	pr.Digest = d.String()
	for i, name := range []string{"dependencies", "app", "build-info"} {
		lr, err := describeLayer(name, layers[i].Layer)
		if err != nil {
			return nil, pr, nil, err
		}
		lr.CacheHit = name == "dependencies" && hit
		pr.Layers = append(pr.Layers, lr)
	}
	return img, pr, mats, nil
}

func describeDeps(in *inputs) string {
	if in.lock == nil {
		return "(directory)"
	}
	return "(lock " + in.info.LockHash + ")"
}

// depsLayer installs the lock's wheels (or copies DepsDir) into the venv at
// VenvDir. The layer is cached under a key of everything that decides its
// bytes, so an unchanged lock reuses it without fetching anything.
func depsLayer(ctx context.Context, cfg *config.Config, in *inputs, p v1.Platform, target pep.Target, o *Options, lopts []image.LayerOption, pr *PlatformResult) (v1.Layer, bool, []attest.Material, error) {
	venv := venvEntries(cfg.Interpreter, cfg.Python)
	if o.DepsDir != "" {
		es, err := image.DirEntries(o.DepsDir, VenvDir)
		if err != nil {
			return nil, false, nil, err
		}
		l, err := image.NewLayer(mergeEntries(es, venv), lopts...)
		return l, false, nil, err
	}
	var client *pyindex.Client
	getClient := func() (*pyindex.Client, error) {
		if client == nil {
			c, err := pyindex.New(pyindexOptions(o)...)
			if err != nil {
				return nil, err
			}
			client = c
		}
		return client, nil
	}
	sel, err := lock.Select(in.lock, cfg.Want())
	if err != nil {
		return nil, false, nil, err
	}
	srcs := sourcesOf(o, cfg, in.lock.Path)
	chosen, problems := chooseWheels(ctx, sel, target, o.AllowUnhashed, newLister(getClient), srcs)
	if len(problems) > 0 {
		// Say what fetching the others would find too: one run, every problem.
		if client, err := getClient(); err == nil {
			_, more := fetchChosen(ctx, client, chosen, o, srcs)
			problems = append(problems, more...)
		}
		return nil, false, nil, srcs.artifactsError(ctx, problems)
	}
	var mats []attest.Material
	keyParts := []string{layerFormat, p.String(), target.String(), cfg.Python, cfg.Interpreter, strconv.FormatInt(in.epoch.Unix(), 10), fmt.Sprint(lopts2mt(lopts))}
	var base v1.Image
	if anySdist(chosen) {
		var err error
		if base, err = buildBaseImage(ctx, cfg, in, o, p); err != nil {
			return nil, false, nil, err
		}
	}
	sb := &sourceBuilds{locks: []*lock.Lock{in.lock, in.buildLock}, target: target, image: base, interp: cfg.Interpreter, python: cfg.Python,
		epoch: in.epoch, list: newLister(getClient), srcs: srcs, o: o}
	if src, err := sourceKey(chosen, in, base); err != nil {
		return nil, false, nil, err
	} else if src != "" {
		if sb.client, err = getClient(); err != nil {
			return nil, false, nil, err
		}
		depMats, depKeys, err := sb.plan(ctx, chosen)
		if err != nil {
			return nil, false, nil, err
		}
		keyParts = append(append(keyParts, src), depKeys...)
		mats = append(mats, depMats...)
	}
	for _, c := range chosen {
		keyParts = append(keyParts, c.artifact.Name+"="+c.sha256)
		mats = append(mats, attest.Material{Name: c.artifact.Name,
			URI:    "pkg:pypi/" + c.pkg.Name + "@" + c.pkg.Version + "?file_name=" + c.artifact.Name,
			Digest: map[string]string{"sha256": c.sha256}})
	}
	cache := image.LayerCache{Dir: o.CacheDir}
	unhashed := o.AllowUnhashed && anyUnhashed(chosen)
	if unhashed {
		cache.Dir = "" // content not pinned: never reuse a cached layer
	}
	l, hit, err := cache.Layer(image.CacheKey(keyParts...), func() ([]image.Entry, error) {
		stage, err := os.MkdirTemp("", "pinwheel-deps-*")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(stage) // entries are read before Layer returns
		client, err := getClient()
		if err != nil {
			return nil, err
		}
		got, fetched, err := fetchAndInstall(ctx, client, chosen, stage, cfg.Python, venvScheme(stage, cfg.Python), o, srcs, sb)
		pr.SourceBuilds = sb.results
		if err != nil {
			return nil, err
		}
		if unhashed {
			mats = got
		}
		hits := pyindex.CacheHits(fetched)
		in.cacheHits += hits
		in.cacheMisses += len(fetched) - hits
		in.cache.Wheels.Hits += hits
		in.cache.Wheels.Misses += len(fetched) - hits
		es, err := image.DirEntries(stage+VenvDir, VenvDir)
		if err != nil {
			return nil, err
		}
		return materialize(mergeEntries(es, venv))
	}, lopts...)
	if hit {
		in.cacheHits++
		in.cache.Layers.Hits++
	} else if err == nil {
		in.cache.Layers.Misses++
	}
	return l, hit, mats, err
}

func lopts2mt(lopts []image.LayerOption) types.MediaType {
	var o image.LayerOptions
	for _, f := range lopts {
		f(&o)
	}
	return o.MediaType
}

func anyUnhashed(cs []chosenWheel) bool {
	for _, c := range cs {
		if c.sha256 == "" {
			return true
		}
	}
	return false
}

func pyindexOptions(o *Options) []pyindex.Option {
	opts := []pyindex.Option{pyindex.WithAllowUnhashed(o.AllowUnhashed), pyindex.WithLogger(o.Logger)}
	if o.Progress != nil {
		opts = append(opts, pyindex.WithProgress(o.Progress))
	}
	if o.CacheDir != "" {
		opts = append(opts, pyindex.WithCacheDir(path.Join(o.CacheDir, "wheels")))
	}
	if len(o.FindLinks) > 0 {
		opts = append(opts, pyindex.WithFindLinks(o.FindLinks...))
	}
	if o.IndexURL != "" || len(o.FindLinks) > 0 {
		// --find-links without --index-url is an air-gapped build: no
		// default index is listed or fetched from.
		opts = append(opts, pyindex.WithIndexURL(o.IndexURL))
	}
	if len(o.ExtraIndexURLs) > 0 {
		opts = append(opts, pyindex.WithExtraIndexURLs(o.ExtraIndexURLs...))
	}
	return opts
}

// materialize reads file contents into memory so the staging directory can
// be removed before the layer is written.
func materialize(es []image.Entry) ([]image.Entry, error) {
	for i, e := range es {
		if e.Type != image.TypeFile || e.Open == nil {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			return nil, err
		}
		b, err := readAll(rc)
		if err != nil {
			return nil, err
		}
		es[i] = image.BytesEntry(e.Path, b, e.Mode)
	}
	return es, nil
}

// mergeEntries adds extra entries, replacing same-path entries from es.
func mergeEntries(es, extra []image.Entry) []image.Entry {
	byPath := map[string]image.Entry{}
	for _, e := range append(append([]image.Entry{}, es...), extra...) {
		byPath[strings.TrimPrefix(e.Path, "/")] = e
	}
	out := make([]image.Entry, 0, len(byPath))
	for p, e := range byPath {
		e.Path = p
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func appLayer(cfg *config.Config, lopts []image.LayerOption) (v1.Layer, error) {
	files, err := cfg.AppFiles()
	if err != nil {
		return nil, err
	}
	dest := strings.TrimPrefix(cfg.App.Dest, "/")
	es := []image.Entry{{Path: dest, Type: image.TypeDir}}
	for _, f := range files {
		p := path.Join(dest, f.Rel)
		if f.Link != "" {
			es = append(es, image.Entry{Path: p, Type: image.TypeSymlink, Link: f.Link})
			continue
		}
		e, err := appFileEntry(cfg.Dir, p, f.Abs)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return image.NewLayer(es, lopts...)
}

// appFileEntry is the image entry of one app file, read through safefs: a
// regular file inside the project, so a file swapped for a FIFO or a link
// out after listing is refused, never followed.
func appFileEntry(dir, p, abs string) (image.Entry, error) {
	f, err := safefs.Open(dir, abs)
	if err != nil {
		return image.Entry{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return image.Entry{}, err
	}
	return image.Entry{Path: p, Type: image.TypeFile, Mode: st.Mode().Perm(), Size: st.Size(),
		Open: func() (io.ReadCloser, error) { return safefs.Open(dir, abs) }}, nil
}

// InImage returns the BuildInfo written into the image: the fields that
// describe the artifact, without those that describe one run of the build
// (times, cache statistics, CI run) or that cannot be known inside it (the
// image's own digest). The commit time is left out too, so images keep the
// digests they had before it was recorded. Those travel in the build result and provenance.
func InImage(b attest.BuildInfo) attest.BuildInfo {
	b.ImageDigest, b.ImageRef = "", ""
	b.CIProvider, b.CIRunID, b.CIRunURL = "", "", ""
	b.StartedAt, b.FinishedAt = zeroTime, zeroTime
	b.DurationMS, b.CacheHits, b.CacheMisses, b.Cache = 0, 0, 0, nil
	b.GitCommitTime = zeroTime
	return b
}

func buildInfoLayer(info attest.BuildInfo, lopts []image.LayerOption) (v1.Layer, error) {
	b, err := json.MarshalIndent(InImage(info), "", "  ")
	if err != nil {
		return nil, err
	}
	return image.NewLayer([]image.Entry{image.BytesEntry(strings.TrimPrefix(BuildInfoPath, "/"), append(b, '\n'), 0o644)}, lopts...)
}

func describeLayer(name string, l v1.Layer) (LayerResult, error) {
	d, err := l.Digest()
	if err != nil {
		return LayerResult{}, err
	}
	diff, err := l.DiffID()
	if err != nil {
		return LayerResult{}, err
	}
	size, err := l.Size()
	if err != nil {
		return LayerResult{}, err
	}
	return LayerResult{Name: name, Digest: d.String(), DiffID: diff.String(), Size: size}, nil
}
