package debian

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// baseFormat versions how pinwheel lays out a Debian base; bump it to
// invalidate cached base layers.
const baseFormat = "pinwheel-debian-base-v1"

// Base is an assembled base image and what it was made from.
type Base struct {
	Image v1.Image
	Lock  *Lock
	// Fetched counts .debs fetched (not already cached); zero when both
	// layers came from the layer cache.
	Fetched, Cached int
	// LayersCached counts the base's two layers found in the layer cache.
	LayersCached int
}

// Assemble builds the base image for l: a layer of every locked package's
// data.tar and a layer of what pinwheel adds (users, os-release, the
// python3 link, the CA bundle, dpkg status entries, merged-/usr links,
// /tmp). It depends on the lock alone: every entry is root-owned (the
// nonroot home excepted), sorted and stamped with the Unix epoch, and the
// config carries no time, so the same lock gives the same digest anywhere.
// Layers are kept in layers (a cache directory, "" for none); .debs come
// from debs.
func Assemble(ctx context.Context, l *Lock, debs *Cache, layers string) (*Base, error) {
	b := &Base{Lock: l}
	load := sync.OnceValues(func() (*assembly, error) { return b.load(ctx, debs) })
	cache := image.LayerCache{Dir: layers}
	lopts := []image.LayerOption{image.WithMTime(time.Unix(0, 0)), image.WithMediaType(types.OCILayer)}
	key := l.Hash()
	pkgs, pkgsHit, err := cache.Layer(image.CacheKey(baseFormat, key, "packages"), func() ([]image.Entry, error) {
		a, err := load()
		if err != nil {
			return nil, err
		}
		return a.tree.entries(), nil
	}, lopts...)
	if err != nil {
		return nil, err
	}
	extra, extraHit, err := cache.Layer(image.CacheKey(baseFormat, key, "pinwheel"), func() ([]image.Entry, error) {
		a, err := load()
		if err != nil {
			return nil, err
		}
		return baseFiles(a.tree, l, a.debs), nil
	}, lopts...)
	if err != nil {
		return nil, err
	}
	for _, hit := range []bool{pkgsHit, extraHit} {
		if hit {
			b.LayersCached++
		}
	}
	epoch := v1.Time{Time: time.Unix(0, 0).UTC()}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img,
		mutate.Addendum{Layer: pkgs, History: v1.History{Created: epoch, Author: "pinwheel",
			CreatedBy: fmt.Sprintf("pinwheel: debian %s packages (base.lock %s)", l.Suite, key)}},
		mutate.Addendum{Layer: extra, History: v1.History{Created: epoch, Author: "pinwheel",
			CreatedBy: "pinwheel: base files (passwd, group, os-release, python3, CA bundle, dpkg status.d)"}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = epoch
	cf.OS = "linux"
	cf.Architecture, cf.Variant = OCIArch(l.Architecture)
	cf.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	if b.Image, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	return b, nil
}

type assembly struct {
	tree tree
	debs map[string]*deb
}

// load fetches (or finds in the cache) and reads every locked .deb.
func (b *Base) load(ctx context.Context, c *Cache) (*assembly, error) {
	a := &assembly{tree: tree{}, debs: map[string]*deb{}}
	for _, p := range b.Lock.Packages {
		path, hit, err := c.Fetch(ctx, p)
		if err != nil {
			return nil, err
		}
		if hit {
			b.Cached++
		} else {
			b.Fetched++
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		d, err := readDeb(f)
		f.Close()
		if err != nil {
			return nil, &inputerr.Error{Path: path, Msg: p.Name + " " + p.Version, Err: err}
		}
		if err := a.tree.add(p.Name, d.data); err != nil {
			return nil, &inputerr.Error{Path: path, Err: err}
		}
		a.debs[p.Name] = d
	}
	return a, nil
}

// OCIArch maps a Debian architecture to an OCI architecture and variant.
func OCIArch(debArch string) (arch, variant string) {
	switch debArch {
	case "i386":
		return "386", ""
	case "armhf":
		return "arm", "v7"
	case "armel":
		return "arm", "v5"
	case "ppc64el":
		return "ppc64le", ""
	}
	return debArch, ""
}

// DebianArch maps an OCI platform's architecture (and variant) to Debian's.
func DebianArch(arch, variant string) string {
	switch {
	case arch == "386":
		return "i386"
	case arch == "arm" && strings.TrimPrefix(variant, "v") == "5":
		return "armel"
	case arch == "arm":
		return "armhf"
	case arch == "ppc64le":
		return "ppc64el"
	}
	return arch
}
