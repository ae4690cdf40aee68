package check

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// bigDockerfile is a multi-stage Dockerfile of n RUN/COPY/ENV blocks.
func bigDockerfile(n int) []byte {
	var b strings.Builder
	b.WriteString("FROM python:3.11-slim AS build\nARG GITHUB_TOKEN\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends pkg%d=1.%d \\\n    && rm -rf /var/lib/apt/lists/*\n", i, i)
		fmt.Fprintf(&b, "COPY src/mod%d /app/mod%d\nENV MOD%d_HOME=/app/mod%d\n", i, i, i, i)
		fmt.Fprintf(&b, "RUN curl -fsSL https://example.com/%d.sh | sh && pip install --no-deps /wheels/m%d.whl\n", i, i)
	}
	b.WriteString("FROM gcr.io/distroless/python3@sha256:00\nCOPY --from=build /app /app\nCMD [\"app\"]\n")
	return []byte(b.String())
}

// BenchmarkCheckDockerfile measures parsing plus every Dockerfile rule on
// a 1,000-block Dockerfile (about 6,000 lines).
func BenchmarkCheckDockerfile(b *testing.B) {
	data := bigDockerfile(1000)
	p := &project{dir: b.TempDir(), files: map[string][]byte{"Dockerfile": data}}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		df, err := parseDockerfile("Dockerfile", data)
		if err != nil {
			b.Fatal(err)
		}
		var r Report
		checkDockerfile(p, df, &r)
	}
}

// BenchmarkRunRich measures a whole Run, SARIF included, on the rich
// fixture project.
func BenchmarkRunRich(b *testing.B) {
	dir := filepath.Join("testdata", "projects", "rich")
	for b.Loop() {
		rep, err := Run(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteSARIF(io.Discard, rep, SARIFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunWorkspaceMember measures a whole Run from a uv workspace
// member's directory (the walk up to the workspace root, its lock parsed,
// the member's selection) beside BenchmarkRunWorkspaceRoot, the same
// lock checked from the root.
func BenchmarkRunWorkspaceMember(b *testing.B) {
	benchRun(b, filepath.Join("testdata", "projects", "workspace-stale", "services", "orders"), "../../uv.lock")
}

func BenchmarkRunWorkspaceRoot(b *testing.B) {
	benchRun(b, filepath.Join("testdata", "projects", "workspace-stale"), "uv.lock")
}

func benchRun(b *testing.B, dir, wantLock string) {
	for b.Loop() {
		rep, err := Run(context.Background(), dir)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Lockfile != wantLock {
			b.Fatalf("lockfile %q, want %q", rep.Lockfile, wantLock)
		}
	}
}
