package check

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// dockerfileSeeds are the fixture Dockerfiles plus shapes that stress the
// RUN re-reading: continuations, comments inside them, heredocs, exec form.
func dockerfileSeeds(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join("testdata", "projects", "*", "Dockerfile"))
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"FROM python:3\nRUN pip install \\\n  # comment\n\n  flask\n",
		"FROM a\nRUN <<A <<B\nx\nA\ny\nB\n",
		"FROM a\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\n",
		"# escape=`\nFROM a\nRUN echo `\n  hi\n",
		"FROM ${X:-a}@sha256:\nARG X=1\nENV A=$X B= C\n",
		"FROM a\nRUN --mount=type=secret,id=x --network=none \\\n",
		"FROM a\nCOPY --from=b . .\nADD --checksum=sha256:0 http://x /\nENTRYPOINT x.sh\n",
		"FROM a\nRUN $(curl x) | ${SHELL}\n# pinwheel:ignore PW301,PW302 reason:\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzCheckDockerfile runs every Dockerfile rule on arbitrary input: it
// may fail to parse, but must never panic, and findings must stay inside
// the file.
func FuzzCheckDockerfile(f *testing.F) {
	dockerfileSeeds(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := parseDockerfile("Dockerfile", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		p := &project{dir: dir, logger: slog.New(slog.DiscardHandler), files: map[string][]byte{"Dockerfile": data}}
		var r Report
		checkDockerfile(p, df, &r)
		r.Findings = applySuppressions(p, r.Findings)
		for _, f := range r.Findings {
			if f.File == "Dockerfile" && (f.Line < 0 || f.Line > len(df.Lines)) {
				t.Errorf("%s at line %d of a %d-line file", f.RuleID, f.Line, len(df.Lines))
			}
			if _, ok := Rules[f.RuleID]; !ok {
				t.Errorf("unknown rule %s", f.RuleID)
			}
		}
	})
}

// FuzzCheckRequirements runs the requirements rules on arbitrary input:
// it may be an input error (with a position inside the file), never a
// panic, and PW105 positions stay inside the file.
func FuzzCheckRequirements(f *testing.F) {
	for _, s := range []string{lockedRequirements, "flask>=3 # c\n-r other.txt\n-e .\nx @ https://h/x.whl\n",
		"a[b,c] (>=1,<2) ; python_version<'3.12'\n", "\\\n\\", "pkg==1.* \\\n --hash=sha256:00\n",
		"  gunicorn\n\tuvicorn==0.30.*\n"} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		p := &project{dir: dir, logger: slog.New(slog.DiscardHandler), files: map[string][]byte{"requirements.txt": []byte(s)}}
		lines := len(strings.Split(s, "\n"))
		l, data, _, err := parseRequirements(p, "requirements.txt")
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("not an input error: %v", err)
			}
			if ie.Line < 0 || ie.Line > lines {
				t.Errorf("error at line %d of %d: %v", ie.Line, lines, err)
			}
			return
		}
		_ = requirementsHashLocked(l)
		for _, pkg := range unpinnedPackages(l) {
			if pkg.Line < 1 || pkg.Line > lines {
				t.Errorf("%s at line %d of %d", pkg.Name, pkg.Line, lines)
			}
			if col := lineStart(data, pkg.Line); col < 1 {
				t.Errorf("%s at line %d has column %d", pkg.Name, pkg.Line, col)
			}
		}
	})
}

// FuzzCheckManifests runs every manifest rule on an arbitrary stream: an
// input error or findings, never a panic, and every finding on a line of
// the stream.
func FuzzCheckManifests(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "manifests", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "projects", "*", "k8s", "*.yaml"))
	for _, m := range append(seeds, more...) {
		data, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("kind: Deployment\napiVersion: apps/v1\nspec: {replicas: 2, template: {spec: {containers: [{name: a, command: [sh, -c, \"exec\"], lifecycle: {preStop: {exec: {command: [sleep]}}}}]}}}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Run(context.Background(), dir, WithManifestStream(bytes.NewReader(data)))
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, f := range rep.Findings {
			if f.File == StdinName && (f.Line < 1 || f.Line > lines) {
				t.Errorf("%s at line %d of %d", f.RuleID, f.Line, lines)
			}
			if _, ok := Rules[f.RuleID]; !ok {
				t.Errorf("unknown rule %s", f.RuleID)
			}
		}
	})
}
