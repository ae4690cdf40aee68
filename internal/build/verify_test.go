package build_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
)

func TestVerify(t *testing.T) {
	dir := copyExample(t, time.Unix(1_600_000_000, 0))
	out := filepath.Join(t.TempDir(), "img")
	o := opts(dir, t.TempDir())
	o.Outputs = []string{"oci:" + out}
	o.Getenv = func(k string) string { return map[string]string{"SOURCE_DATE_EPOCH": "1234567890"}[k] }
	built := run(t, o)

	// A rebuild elsewhere, later, with a cold cache and no SOURCE_DATE_EPOCH
	// set reproduces it from the recorded inputs.
	again := copyExample(t, time.Now())
	v, err := build.Verify(context.Background(), opts(again, t.TempDir()), "oci:"+out)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Reproducible || v.Rebuilt != built.Digest {
		t.Fatalf("Verify = %+v", v)
	}

	// Change one app file: the report names the app layer and that file.
	main := filepath.Join(again, "hello", "__main__.py")
	b, _ := os.ReadFile(main)
	os.WriteFile(main, append(b, '\n'), 0o644)
	v, err = build.Verify(context.Background(), opts(again, t.TempDir()), "oci:"+out+"@"+built.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if v.Reproducible || len(v.Platforms) != 1 {
		t.Fatalf("Verify after change = %+v", v)
	}
	c := v.Platforms[0]
	if len(c.Layers) != 1 || c.Layers[0].CreatedBy != "pinwheel: app files → /app" ||
		len(c.Layers[0].Files) != 1 || c.Layers[0].Files[0].Path != "app/hello/__main__.py" || c.Layers[0].Files[0].Change != "[content]" {
		t.Errorf("comparison %+v", c.Layers)
	}

	if _, err := build.Verify(context.Background(), opts(again, t.TempDir()), "oci:"+filepath.Join(t.TempDir(), "missing")); !build.IsUsage(err) {
		t.Errorf("missing --against target: %v", err)
	}
}
