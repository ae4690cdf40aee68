package k8syaml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// FuzzRead: any bytes are objects or an input error, never a panic, and
// every object and every node under it points inside the stream.
func FuzzRead(f *testing.F) {
	f.Add([]byte(stream))
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "manifests", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "projects", "*", "k8s", "*.yaml"))
	seeds = append(seeds, more...)
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{"a: &x [*x]\n", "kind: List\napiVersion: v1\nitems: [{kind: List, apiVersion: v1, items: [{kind: Pod}]}]\n",
		"---\n--- !!str\n...\n", "kind: Pod\nspec: &s {containers: *s}\n", "{kind: Deployment, apiVersion: apps/v1, spec: {template: {spec: 1}}}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := Read("m.yaml", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, o := range objs {
			if o.Line < 1 || o.Line > lines {
				t.Errorf("%s at line %d of %d", o.Kind, o.Line, lines)
			}
			if spec, ok := PodSpec(o); ok {
				for _, c := range Items(Get(spec, "containers")) {
					if l := KeyLine(c, "image"); l < 0 || l > lines {
						t.Errorf("image at line %d of %d", l, lines)
					}
				}
				_ = Labels(PodMeta(o))
			}
		}
	})
}
