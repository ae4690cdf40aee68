package kubecli

import (
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestParseImage(t *testing.T) {
	for _, tc := range []struct{ in, repo, err string }{
		{in: "registry.example/shop@sha256:" + hex64, repo: "registry.example/shop"},
		{in: "127.0.0.1:5000/shop:1.0@sha256:" + hex64, repo: "127.0.0.1:5000/shop:1.0"},
		{in: "registry.example/shop:1.0", err: "pinned by digest"},
		{in: "registry.example/shop@sha256:" + strings.ToUpper(hex64), err: "pinned by digest"},
		{in: "registry.example/shop@sha256:abc", err: "pinned by digest"},
		{in: "oci:/tmp/shop@sha256:" + hex64, err: "a cluster can pull"},
		{in: "", err: "pinned by digest"},
	} {
		img, err := ParseImage(tc.in)
		if tc.err != "" {
			if !inputerr.Is(err) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want input error %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || img.Repo != tc.repo || img.Digest != "sha256:"+hex64 || img.Ref != tc.in {
			t.Errorf("%q: %+v %v", tc.in, img, err)
		}
	}
}

func TestReleaseName(t *testing.T) {
	img, _ := ParseImage("r/shop@sha256:" + hex64)
	if got := ReleaseName("shop", img); got != "shop-0123456789ab" {
		t.Fatalf("ReleaseName = %q", got)
	}
}
