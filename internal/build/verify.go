package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/publish"
)

// Verification is the outcome of rebuilding an image from its recorded inputs.
type Verification struct {
	Reproducible bool                `json:"reproducible"`
	Expected     string              `json:"expected"`
	Rebuilt      string              `json:"rebuilt"`
	Recorded     attest.BuildInfo    `json:"recorded"`
	Platforms    []*image.Comparison `json:"platforms,omitempty"` // per-platform comparisons on a mismatch
	Notes        []string            `json:"notes,omitempty"`
}

// Verify rebuilds the project in o.Dir with the inputs recorded in the image
// at against (oci:PATH[@sha256:…] or a registry reference) — commit, dirty
// flag, source, version and timestamp from its build-info and labels — and
// compares digests. On a mismatch it names each differing layer and the
// files inside it that differ.
func Verify(ctx context.Context, o Options, against string) (*Verification, error) {
	expImg, expIdx, err := openAgainst(ctx, against, o.Remote)
	if err != nil {
		return nil, &usageErr{fmt.Errorf("--against %s: %w", against, err)}
	}
	expected := map[string]v1.Image{}
	var platforms []string
	if expIdx != nil {
		im, err := expIdx.IndexManifest()
		if err != nil {
			return nil, err
		}
		for _, d := range im.Manifests {
			if d.Platform == nil {
				continue
			}
			img, err := expIdx.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			expected[d.Platform.String()] = img
			platforms = append(platforms, d.Platform.String())
		}
	} else {
		cf, err := expImg.ConfigFile()
		if err != nil {
			return nil, err
		}
		p := v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
		expected[p.String()] = expImg
		platforms = []string{p.String()}
	}
	first := expected[platforms[0]]
	recorded, err := ReadBuildInfo(first)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", against, err)
	}
	cf, err := first.ConfigFile()
	if err != nil {
		return nil, err
	}
	o.Recorded = &Recorded{GitCommit: recorded.GitCommit, GitDirty: recorded.GitDirty, GitSource: recorded.GitSource,
		Version: recorded.Version, Epoch: cf.Created.Time}
	o.Platforms, o.Outputs = platforms, nil
	o.NoSign = true // a rebuild compares digests; it signs nothing (and needs no key)
	v := &Verification{Recorded: recorded}
	o.defaults()
	if g, ok := attest.ReadGit(ctx, o.Dir); ok && recorded.GitCommit != "" && g.Commit != recorded.GitCommit {
		v.Notes = append(v.Notes, fmt.Sprintf("the working tree is at %s but the image was built from %s: check out that commit to rebuild it", g.Commit, recorded.GitCommit))
	}
	res, err := Run(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("rebuild: %w", err)
	}
	if res.BuildInfo.BuilderVersion != recorded.BuilderVersion {
		v.Notes = append(v.Notes, fmt.Sprintf("built by pinwheel %s, rebuilt with %s", recorded.BuilderVersion, res.BuildInfo.BuilderVersion))
	}
	v.Rebuilt = res.Digest
	if expIdx != nil {
		d, _ := expIdx.Digest()
		v.Expected = d.String()
	} else {
		d, _ := expImg.Digest()
		v.Expected = d.String()
	}
	v.Reproducible = v.Expected == v.Rebuilt
	if v.Reproducible {
		return v, nil
	}
	rebuilt := map[string]v1.Image{}
	if res.Index != nil {
		for i, p := range res.Platforms {
			h, _ := v1.NewHash(p.Digest)
			img, err := res.Index.Image(h)
			if err != nil {
				return nil, err
			}
			rebuilt[platforms[i]] = img
		}
	} else {
		rebuilt[platforms[0]] = res.Image
	}
	for _, p := range platforms {
		c, err := image.Compare(expected[p], rebuilt[p])
		if err != nil {
			return nil, err
		}
		v.Platforms = append(v.Platforms, c)
	}
	return v, nil
}

func openAgainst(ctx context.Context, against string, ropts []remote.Option) (v1.Image, v1.ImageIndex, error) {
	if rest, ok := strings.CutPrefix(against, "oci:"); ok {
		path, digest := rest, ""
		if i := strings.LastIndex(rest, "@sha256:"); i >= 0 {
			path, digest = rest[:i], rest[i+1:]
		}
		return publish.ReadLayout(path, digest)
	}
	ref, err := name.ParseReference(against)
	if err != nil {
		return nil, nil, err
	}
	opts := append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, ropts...)
	desc, err := remote.Get(ref, opts...)
	if err != nil {
		return nil, nil, err
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		return nil, idx, err
	}
	img, err := desc.Image()
	return img, nil, err
}

// ReadBuildInfo reads BuildInfoPath from img (the newest layer holding it
// as a regular file, whiteouts honoured), at most 1 MiB of it.
func ReadBuildInfo(img v1.Image) (attest.BuildInfo, error) {
	var bi attest.BuildInfo
	_, data, err := image.ReadFile(img, []string{BuildInfoPath}, 1<<20)
	if errors.Is(err, image.ErrFileNotFound) {
		return bi, fmt.Errorf("no %s in the image: it was not built by pinwheel", BuildInfoPath)
	}
	if err != nil {
		return bi, err
	}
	if err := json.Unmarshal(data, &bi); err != nil {
		return bi, fmt.Errorf("%s in the image: %w", BuildInfoPath, err)
	}
	return bi, nil
}
