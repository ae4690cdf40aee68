package k8syaml

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const stream = `# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: web
        image: web:1
---
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: one}
  spec:
    containers: [{name: c, image: x}]
- apiVersion: batch/v1
  kind: CronJob
  metadata: {name: nightly}
  spec:
    jobTemplate:
      spec:
        template:
          spec:
            containers:
            - name: job
              image: job:2
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: not-a-workload}
spec: {}
`

// Every object keeps its line in the stream, past document separators and
// inside a List; helm's Source comment is kept; a CRD named like a
// workload is not one.
func TestReadKeepsLines(t *testing.T) {
	objs, err := Read("all.yaml", []byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind, name, source string
		line               int
		workload           bool
	}{
		{"Deployment", "web", "web/templates/deployment.yaml", 2, true},
		{"Pod", "one", "", 18, true},
		{"CronJob", "nightly", "", 23, true},
		{"Deployment", "not-a-workload", "", 35, false},
	}
	if len(objs) != len(want) {
		t.Fatalf("%d objects, want %d: %+v", len(objs), len(want), objs)
	}
	for i, w := range want {
		o := objs[i]
		if o.Kind != w.kind || o.Name != w.name || o.Source != w.source || o.Line != w.line {
			t.Errorf("object %d = %s %s (source %q) at line %d, want %s %s (%q) at %d", i, o.Kind, o.Name, o.Source, o.Line, w.kind, w.name, w.source, w.line)
		}
		spec, ok := PodSpec(o)
		if ok != w.workload {
			t.Errorf("%s %s: workload %v, want %v", o.Kind, o.Name, ok, w.workload)
			continue
		}
		if ok {
			c := Items(Get(spec, "containers"))[0]
			if img := Get(c, "image"); img == nil || img.Line == 0 {
				t.Errorf("%s: image has no line", o.Name)
			}
		}
	}
	img := Get(Items(Get(objs[2].Root, "spec", "jobTemplate", "spec", "template", "spec", "containers"))[0], "image")
	if img.Line != 33 || Str(img) != "job:2" {
		t.Errorf("CronJob image %q at line %d, want job:2 at 33", Str(img), img.Line)
	}
	if objs[0].Namespace != "shop" {
		t.Errorf("namespace %q", objs[0].Namespace)
	}
}

func TestReadErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, data string
		line       int
	}{
		{"bad_indent", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n bad: [\n", 5},
		{"second_document", "kind: Pod\n---\nkind: Pod\nmetadata: {name: [}\n", 4},
		{"tab", "kind: Pod\nspec:\n\tcontainers: []\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("m.yaml", []byte(tt.data))
			var ie *inputerr.Error
			if err == nil || !asInput(err, &ie) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if ie.Path != "m.yaml" || ie.Line != tt.line {
				t.Errorf("error at %s:%d, want m.yaml:%d (%v)", ie.Path, ie.Line, tt.line, err)
			}
		})
	}
}

func asInput(err error, ie **inputerr.Error) bool {
	e, ok := err.(*inputerr.Error)
	*ie = e
	return ok
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("k8s/b.yaml", "kind: Service\napiVersion: v1\nmetadata: {name: b}\n")
	write("k8s/a.yml", "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n")
	write("k8s/.hidden/c.yaml", "kind: ConfigMap\n")
	write("k8s/notes.txt", "kind: [\n")
	objs, files, err := ReadDir(context.Background(), dir, filepath.Join(dir, "k8s"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.File+" "+o.Name)
	}
	if strings.Join(got, ",") != "k8s/a.yml a,k8s/b.yaml b" {
		t.Errorf("objects %q", got)
	}
	if len(files) != 2 || !strings.Contains(string(files["k8s/a.yml"]), "ConfigMap") {
		t.Errorf("files %v", files)
	}
	objs, _, err = ReadDir(context.Background(), dir, filepath.Join(dir, "k8s", "notes.txt"))
	if err == nil || !inputerr.Is(err) {
		t.Errorf("a file named on its own is read whatever its name: err = %v", err)
	}
	write("k8s/chart/Chart.yaml", "name: x\n")
	write("k8s/chart/templates/d.yaml", "{{ .Values }}\n")
	_, _, err = ReadDir(context.Background(), dir, filepath.Join(dir, "k8s"))
	if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), "helm template") {
		t.Errorf("a chart directory: err = %v, want an input error naming helm template", err)
	}
}
