package build

import (
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
)

// Every base kind pinwheel.yaml can name reaches the image library as the
// same reference.
func TestImageBaseKeepsEveryKind(t *testing.T) {
	d := "sha256:" + strings.Repeat("ab", 32)
	for _, ref := range []config.BaseRef{
		{Kind: config.BaseRegistry, Ref: "registry.example/python", Digest: d},
		{Kind: config.BaseLayout, Path: "base", Digest: d},
		{Kind: config.BaseLayout, Path: "base"},
		{Kind: config.BaseTarball, Path: "base.tar"},
		{Kind: config.BaseDebian, Path: "base.lock"},
	} {
		got := imageBase(ref)
		if string(got.Kind) != string(ref.Kind) || got.Ref != ref.Ref || got.Path != ref.Path || got.Digest != ref.Digest {
			t.Errorf("%s became %+v", ref, got)
		}
	}
}
