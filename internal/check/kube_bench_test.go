package check

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// manifestStream is n Deployments of gunicorn behind a Service, half of
// them with a PodDisruptionBudget (the shape bench/check-manifests generates).
func manifestStream(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: svc%d}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: svc%d}}\n    spec:\n      containers:\n      - name: web\n        image: registry.example.com/svc%d:1.%d\n        command: [sh, -c, \"python manage.py migrate && gunicorn --graceful-timeout 40 app.wsgi\"]\n        env: [{name: DB_PASSWORD, value: \"pw%d\"}]\n        livenessProbe: {httpGet: {path: /live, port: 8000}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: svc%d}\nspec: {selector: {app: svc%d}}\n", i, i, i, i, i, i, i)
		if i%2 == 1 {
			fmt.Fprintf(&b, "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: svc%d}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: svc%d}}}\n", i, i)
		}
	}
	return b.String()
}

// BenchmarkCheckManifests measures a whole manifest-only Run (read, every
// rule, suppressions) over 500 Deployments, 500 Services and 250 PDBs.
func BenchmarkCheckManifests(b *testing.B) {
	stream := manifestStream(500)
	dir := b.TempDir()
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		rep, err := Run(context.Background(), dir, WithManifestStream(strings.NewReader(stream)))
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkCheckKubeSvc measures the kube-svc project with its manifests:
// the project rules, projectscan and the gunicorn config reads included.
func BenchmarkCheckKubeSvc(b *testing.B) {
	dir := filepath.Join("testdata", "projects", "kube-svc")
	for b.Loop() {
		if _, err := Run(context.Background(), dir, WithManifests(filepath.Join(dir, "k8s"))); err != nil {
			b.Fatal(err)
		}
	}
}
