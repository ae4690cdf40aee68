package kubecli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// buildShop builds examples/shop into an OCI layout, as pinwheel build
// --output oci:PATH does, and writes its -o json result next to it.
func buildShop(t *testing.T) (layout, resultFile string, res *build.Result) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	if out, err := exec.Command("cp", "-r", "../../examples/shop", dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if err := imagetest.UseSyntheticBase(dir); err != nil { // a build is needed, not a Python that runs
		t.Fatal(err)
	}
	layout = filepath.Join(t.TempDir(), "shop.oci")
	res, err := build.Run(context.Background(), build.Options{Dir: dir, CacheDir: t.TempDir(), BuilderVersion: "test",
		Getenv: func(string) string { return "" }, Outputs: []string{"oci:" + layout}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	resultFile = filepath.Join(t.TempDir(), "build.json")
	if err := os.WriteFile(resultFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return layout, resultFile, res
}

// --build-info takes the build's JSON result, a bare build-info.json or the
// OCI layout, and refuses metadata of another image.
func TestReadBuildInfo(t *testing.T) {
	layout, resultFile, res := buildShop(t)
	img, err := ParseImage("registry.example/shop@" + res.Digest)
	if err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(t.TempDir(), "build-info.json")
	data, _ := json.Marshal(res.BuildInfo)
	os.WriteFile(bare, data, 0o644)
	for _, spec := range []string{resultFile, bare, "oci:" + layout} {
		t.Run(filepath.Base(spec), func(t *testing.T) {
			bi, err := ReadBuildInfo(spec, img)
			if err != nil {
				t.Fatal(err)
			}
			if bi.Service != "shop" || bi.LockHash != res.BuildInfo.LockHash || bi.BaseDigest != res.BuildInfo.BaseDigest || bi.ImageDigest != res.Digest || bi.ImageRef != img.Ref {
				t.Fatalf("build info %+v; want the build's (%+v) with digest %s and ref %s", bi, res.BuildInfo, res.Digest, img.Ref)
			}
		})
	}
	other, _ := ParseImage("registry.example/shop@sha256:" + hex64)
	for _, tc := range []struct{ spec, want string }{
		{resultFile, "describes image " + res.Digest},
		{"oci:" + layout, "no image sha256:" + hex64},
		{filepath.Join(t.TempDir(), "missing.json"), "--build-info"},
		{writeKubeconfig(t, `{"service": "shop", "colour": "red"}`), "unknown field"},
		{writeKubeconfig(t, `{"version": "1"}`), "no service"},
	} {
		_, err := ReadBuildInfo(tc.spec, other)
		if !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v; want an input error containing %q", tc.spec, err, tc.want)
		}
	}
}
