package deploy

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	ocilayout "github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/runtime"
)

func TestParseImage(t *testing.T) {
	for _, tc := range []struct {
		name, in, digest, err string
	}{
		{name: "layout", in: "oci:/tmp/img"},
		{name: "layout_with_digest", in: "oci:/tmp/img@sha256:abc", digest: "sha256:abc"},
		{name: "registry_ref", in: "registry.example/shop:1", err: "expected oci:PATH"},
		{name: "empty_path", in: "oci:", err: "expected oci:PATH"},
		{name: "bad_digest", in: "oci:/tmp/img@md5:abc", err: "digest must be sha256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseImage(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || a.Layout != "/tmp/img" || a.Digest != tc.digest {
				t.Fatalf("got %+v, %v", a, err)
			}
		})
	}
}

// TestRecordReleaseFromBuiltLayout builds the shop example with pinwheel's
// builder into an OCI layout (with its attestation manifests) and records
// it: the release carries the image's build-info, its digest, the lock and
// the config snapshot, and a deploy record naming the image.
func TestRecordReleaseFromBuiltLayout(t *testing.T) {
	ctx := context.Background()
	dir := shopCopy(t)
	layout := filepath.Join(t.TempDir(), "img")
	res, err := build.Run(ctx, build.Options{Dir: dir, Outputs: []string{"oci:" + layout}, CacheDir: t.TempDir(), NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	a, _ := ParseImage("oci:" + layout)
	rel, err := RecordRelease(ctx, store, p, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID != "shop-1" || rel.Info.ImageDigest != res.Digest || rel.Info.LockHash != res.BuildInfo.LockHash || rel.Info.Version != "1.0.0" {
		t.Errorf("release %s info %+v; build digest %s", rel.ID, rel.Info, res.Digest)
	}
	if rel.Lock == nil || !strings.Contains(string(rel.Config), `"SHOP_FAULT"`) {
		t.Errorf("lock %v, config snapshot %s", rel.Lock, rel.Config)
	}
	var rr runtime.Release
	if err := json.Unmarshal(rel.Deploy, &rr); err != nil || rr.Artifact.Layout != layout || rr.Artifact.Digest != res.Digest {
		t.Errorf("deploy record %s (%v)", rel.Deploy, err)
	}
	if _, err := RecordRelease(ctx, store, p, Artifact{Layout: layout, Digest: "sha256:0000"}, nil); err == nil || !strings.Contains(err.Error(), "no image sha256:0000") {
		t.Errorf("unknown digest: %v", err)
	}
	if _, err := RecordRelease(ctx, store, p, Artifact{Layout: dir}, nil); err == nil || !strings.Contains(err.Error(), "not an OCI layout") {
		t.Errorf("not a layout: %v", err)
	}
	// A multi-platform index is not one image: the error says to pick one.
	idx, err := random.Index(64, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	idxLayout := filepath.Join(t.TempDir(), "index")
	lp, err := ocilayout.Write(idxLayout, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	if _, err := RecordRelease(ctx, store, p, Artifact{Layout: idxLayout}, nil); err == nil || !strings.Contains(err.Error(), "is an image index: name one of its images") {
		t.Errorf("index: %v", err)
	}
}

func TestRecordReleaseFromSource(t *testing.T) {
	ctx := context.Background()
	dir := shopCopy(t)
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := RecordRelease(ctx, openStore(t), p, Artifact{Source: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rr runtime.Release
	json.Unmarshal(rel.Deploy, &rr)
	if rr.Artifact.Source == nil || rr.Artifact.Source.Dir != p.Dir || strings.Join(rr.Artifact.Source.Command, " ") != "python3 -m shop" {
		t.Errorf("deploy record %s", rel.Deploy)
	}
	if rel.Info.LockHash == "" || rel.Info.PythonVersion != "3.11" {
		t.Errorf("info %+v", rel.Info)
	}
}

func TestLoadProjectNamesTheBadLine(t *testing.T) {
	dir := shopCopy(t)
	path := filepath.Join(dir, "pinwheel.yaml")
	replaceInFile(t, path, "    - setWeight: 50", "    - setWeight: 150")
	_, err := LoadProject(dir)
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "pinwheel.yaml:33:7") || !strings.Contains(err.Error(), "150") {
		t.Fatalf("err = %v, want an input error at pinwheel.yaml:33:7 naming 150", err)
	}
}
