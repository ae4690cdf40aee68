package image_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

var amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}

func buildOnce(t *testing.T, app string) v1.Image {
	t.Helper()
	base, err := imagetest.Base(amd64)
	if err != nil {
		t.Fatal(err)
	}
	deps, err := image.NewLayer([]image.Entry{image.BytesEntry("opt/pinwheel/site-packages/x.py", []byte("x"), 0o644)})
	if err != nil {
		t.Fatal(err)
	}
	appL, err := image.NewLayer([]image.Entry{image.BytesEntry("app/main.py", []byte(app), 0o644)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := image.Build(image.Spec{
		Platform: amd64, Base: base,
		Layers:  []image.Layer{{Layer: deps, CreatedBy: "deps"}, {Layer: appL, CreatedBy: "app"}},
		Created: time.Unix(1700000000, 0),
		Config: image.Config{
			Entrypoint: []string{"python3", "main.py"}, Env: []string{"B=2", "A=1", "LANG=en"},
			PathPrepend: []string{"/opt/pinwheel/bin"}, WorkingDir: "/app", User: "65532",
			ExposedPorts: []string{"8080/tcp"}, Labels: map[string]string{"org.opencontainers.image.version": "1"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestBuild(t *testing.T) {
	img := buildOnce(t, "print(1)")
	if err := validate.Image(img); err != nil {
		t.Fatalf("invalid image: %v", err)
	}
	again := buildOnce(t, "print(1)")
	d1, _ := img.Digest()
	d2, _ := again.Digest()
	if d1 != d2 {
		t.Fatalf("same spec, different digests %s %s", d1, d2)
	}
	cf, _ := img.ConfigFile()
	wantEnv := []string{"PATH=/opt/pinwheel/bin:/usr/local/bin:/usr/bin:/bin", "LANG=en", "A=1", "B=2"}
	if !reflect.DeepEqual(cf.Config.Env, wantEnv) {
		t.Errorf("env %v, want %v", cf.Config.Env, wantEnv)
	}
	if cf.Config.User != "65532" || cf.Config.WorkingDir != "/app" || cf.Created.Unix() != 1700000000 {
		t.Errorf("config %+v", cf.Config)
	}
	if _, ok := cf.Config.ExposedPorts["8080/tcp"]; !ok || cf.Config.Labels["org.opencontainers.image.version"] != "1" {
		t.Errorf("ports/labels %+v", cf.Config)
	}
	if len(cf.History) != 3 || cf.History[2].CreatedBy != "app" || cf.History[2].Created.Unix() != 1700000000 {
		t.Errorf("history %+v", cf.History)
	}
	mt, _ := img.MediaType()
	if mt != types.OCIManifestSchema1 {
		t.Errorf("media type %s", mt)
	}

	// Changing only the app keeps the dependency layer.
	other := buildOnce(t, "print(2)")
	l1, _ := img.Layers()
	l2, _ := other.Layers()
	a, _ := l1[1].Digest()
	b, _ := l2[1].Digest()
	c, _ := l1[2].Digest()
	d, _ := l2[2].Digest()
	if a != b || c == d {
		t.Errorf("deps layer %v→%v, app layer %v→%v", a, b, c, d)
	}
	cmp, err := image.Compare(img, other)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Same || len(cmp.Layers) != 1 || cmp.Layers[0].Index != 2 || cmp.Layers[0].CreatedBy != "app" ||
		len(cmp.Layers[0].Files) != 1 || cmp.Layers[0].Files[0].Path != "app/main.py" || cmp.Layers[0].Files[0].Change != "[content]" {
		t.Errorf("Compare = %+v", cmp)
	}
	if !slices.Contains(cmp.ConfigFields, "rootfs") {
		t.Errorf("config fields %v should include rootfs", cmp.ConfigFields)
	}
}

func TestIndex(t *testing.T) {
	arm := v1.Platform{OS: "linux", Architecture: "arm64"}
	a, _ := imagetest.Base(amd64)
	b, _ := imagetest.Base(arm)
	idx, err := image.Index([]v1.Image{a, b}, []v1.Platform{amd64, arm})
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 2 || im.Manifests[1].Platform.Architecture != "arm64" {
		t.Errorf("index %+v", im)
	}
}
