package check

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// TestManifestPythonRules: the rules no peer has, on the kube-svc project
// (gunicorn.conf.py with a 60 s drain and a 45 s worker timeout, a
// Dockerfile CMD that runs gunicorn with it) and its k8s/ manifests. Each
// finding names the setting it came from.
func TestManifestPythonRules(t *testing.T) {
	dir := filepath.Join("testdata", "projects", "kube-svc")
	rep := runManifests(t, dir, filepath.Join(dir, "k8s"))
	ids := []string{"PW513", "PW514", "PW515", "PW516"}
	want := []string{
		"PW513 k8s/web.yaml:14", "PW514 k8s/web.yaml:14", "PW516 k8s/web.yaml:17",
		"PW513 k8s/web.yaml:29", "PW515 k8s/web.yaml:33", "PW516 k8s/web.yaml:38",
		"PW513 k8s/web.yaml:69",
	}
	if got := only(rep, ids...); !slices.Equal(got, want) {
		t.Errorf("findings:\n got  %q\n want %q", got, want)
	}
	wantText := []string{
		"container web's gunicorn (Dockerfile CMD of the project) drain of 60 s (gunicorn.conf.py:5) plus 0 s",
		"gives up after 21 s, before gunicorn's worker timeout of 45 s (gunicorn.conf.py:6)",
		"terminationGracePeriodSeconds 60 is shorter than container api's gunicorn drain of 55 s (GUNICORN_CMD_ARGS --graceful-timeout) plus 10 s",
		"starts `gunicorn -c gunicorn.conf.py shop.wsgi` under sh without exec",
		"gives up after 11 s, before gunicorn's worker timeout of 20 s (GUNICORN_CMD_ARGS --timeout)",
		"uvicorn drain of 40 s (--timeout-graceful-shutdown) plus 5 s",
	}
	var all strings.Builder
	for _, f := range rep.Findings {
		all.WriteString(f.Message + "\n")
	}
	for _, w := range wantText {
		if !strings.Contains(all.String(), w) {
			t.Errorf("no finding says %q", w)
		}
	}
	// Without the project (only the manifests), gunicorn.conf.py is not
	// read and web's command is unknown: its grace and liveness rules stay
	// quiet; api's come from GUNICORN_CMD_ARGS alone.
	bare := runManifests(t, "", filepath.Join(dir, "k8s", "web.yaml"))
	if got := only(bare, ids...); !slices.Equal(got, []string{
		"PW513 " + filepath.ToSlash(filepath.Join(dir, "k8s", "web.yaml")) + ":29",
		"PW515 " + filepath.ToSlash(filepath.Join(dir, "k8s", "web.yaml")) + ":33",
		"PW516 " + filepath.ToSlash(filepath.Join(dir, "k8s", "web.yaml")) + ":38",
		"PW513 " + filepath.ToSlash(filepath.Join(dir, "k8s", "web.yaml")) + ":69",
	}) {
		t.Errorf("without the project: %q", got)
	}
}

// A credential-shaped env value is critical, a secret's name with a
// literal value high (SENTRY_DSN: the name says DSN); neither message holds the value.
func TestManifestSecretSeverity(t *testing.T) {
	rep := runManifests(t, "", filepath.Join("testdata", "manifests", "secrets.yaml"))
	var got []string
	for _, f := range rep.Findings {
		if f.RuleID == "PW408" {
			got = append(got, f.Severity.String())
			if strings.Contains(f.Message, "AKIA") || strings.Contains(f.Message, "hunter2") || strings.Contains(f.Message, "sentry.io") {
				t.Errorf("message leaks the value: %s", f.Message)
			}
		}
	}
	if !slices.Equal(got, []string{"critical", "high", "high"}) {
		t.Errorf("severities %q", got)
	}
}

// helm template output on stdin: lines are the stream's, the template a
// document came from is named, suppressions in the stream work, and the
// directory beside it (no Python project) adds no project findings.
func TestManifestStream(t *testing.T) {
	stream := "---\n# Source: shop/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        # pinwheel:ignore PW506 reason: the chart's default, overridden per environment\n        image: \"shop:latest\"\n      - name: side\n        image: \"side:1.0\"\n"
	rep, err := Run(context.Background(), t.TempDir(), WithManifestStream(strings.NewReader(stream)))
	if err != nil {
		t.Fatal(err)
	}
	got := only(rep, "PW505", "PW506", "PW101")
	want := []string{"PW506 stdin:13 (suppressed)", "PW505 stdin:15"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.Message, "Deployment shop (shop/templates/deployment.yaml): ") {
			t.Errorf("message does not name the template: %s", f.Message)
		}
	}
	log := sarifLog(t, rep)
	for _, r := range log.Runs[0].Results {
		if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation.Region.StartLine < 11 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != StdinName {
			t.Errorf("result without a stream line: %+v", r)
		}
	}
}

// Malformed YAML stops the run with an input error at file:line, and
// nothing is reported.
func TestManifestInputErrors(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"k8s/ok.yaml":  "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
		"k8s/bad.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: [x\n",
	})
	_, err := Run(context.Background(), dir, WithManifests(filepath.Join(dir, "k8s")))
	if !inputerr.Is(err) || !strings.HasPrefix(strings.TrimPrefix(err.Error(), dir+"/"), "k8s/bad.yaml:8") {
		t.Errorf("err = %v, want an input error at k8s/bad.yaml:8", err)
	}
	_, err = Run(context.Background(), t.TempDir(), WithManifestStream(strings.NewReader("kind: Pod\n---\n\tbad: 1\n")))
	if !inputerr.Is(err) || !strings.HasPrefix(err.Error(), "stdin:3") {
		t.Errorf("stream: err = %v, want an input error at stdin:3", err)
	}
}

// PW515 is about a server the shell keeps as its child: a script that ends
// in a builtin, one that traps signals, an init container and a Job are
// left alone; a lone command under sh is not (dash forks it), under bash
// it is (bash execs a lone simple command).
func TestShellPID1(t *testing.T) {
	pod := func(kind, key, argv string) string {
		return "apiVersion: " + map[string]string{"Job": "batch/v1", "Deployment": "apps/v1"}[kind] + "\nkind: " + kind +
			"\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      " + key + ":\n      - name: c\n        image: i@sha256:00\n        command: " + argv + "\n"
	}
	tests := []struct {
		name, yaml string
		want       bool
	}{
		{"sh_lone_command", pod("Deployment", "containers", `[sh, -c, "gunicorn app:app"]`), true},
		{"bash_lone_command", pod("Deployment", "containers", `[bash, -c, "gunicorn app:app"]`), false},
		{"bash_chain", pod("Deployment", "containers", `[bash, -c, "migrate && gunicorn app:app"]`), true},
		{"exec", pod("Deployment", "containers", `[/bin/sh, -ec, "migrate; exec gunicorn app:app"]`), false},
		{"ends_in_exit", pod("Deployment", "containers", `[sh, -c, "until curl -f x; do sleep 1; done; exit 0"]`), false},
		{"trap", pod("Deployment", "containers", `[sh, -c, "trap 'kill $P' TERM; gunicorn app:app & P=$!; wait"]`), false},
		{"init_container", pod("Deployment", "initContainers", `[sh, -c, "python manage.py migrate"]`), false},
		{"job", pod("Job", "containers", `[sh, -c, "python manage.py migrate"]`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Run(context.Background(), t.TempDir(), WithManifestStream(strings.NewReader(tt.yaml)))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(only(rep, "PW515")) > 0; got != tt.want {
				t.Errorf("PW515 %v, want %v: %q", got, tt.want, only(rep, "PW515"))
			}
		})
	}
}

// A container that sets no command runs its image's: the project's
// Dockerfile CMD when the image is the project's — named like the project,
// or, in a manifest inside the project, like the workload. On stdin the
// workload's name proves nothing.
func TestProjectCommandStandsIn(t *testing.T) {
	manifest := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: polls}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: gcr.io/example/polls:v1\n"
	dir := writeProject(t, map[string]string{
		"requirements.txt": lockedRequirements,
		"Dockerfile":       "FROM python:3.11.9-slim@sha256:2a8bd4c5c1c5bc4c3f1d4e1d3b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a\nCMD [\"gunicorn\", \"--graceful-timeout\", \"90\", \"mysite.wsgi\"]\n",
		"k8s/polls.yaml":   manifest,
	})
	rep := runManifests(t, dir, filepath.Join(dir, "k8s"))
	if got := only(rep, "PW513"); !slices.Equal(got, []string{"PW513 k8s/polls.yaml:8"}) {
		t.Errorf("inside the project: %q", got)
	}
	rep, err := Run(context.Background(), dir, WithManifestStream(strings.NewReader(manifest)))
	if err != nil {
		t.Fatal(err)
	}
	if got := only(rep, "PW513"); len(got) != 0 {
		t.Errorf("on stdin: %q", got)
	}
}

// A sidecar named after its image is not the project's image, nor is a
// library image named like its Deployment.
func TestSidecarIsNotTheProject(t *testing.T) {
	manifest := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis}\nspec:\n  template:\n    spec:\n      containers:\n      - name: redis\n        image: redis:7\n        ports: [{containerPort: 6379}]\n      - name: cloud-sql-proxy\n        image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2\n        args: [--port=5432]\n        ports: [{containerPort: 5432}]\n"
	dir := writeProject(t, map[string]string{
		"requirements.txt": lockedRequirements,
		"Dockerfile":       "FROM python:3.11.9-slim@sha256:2a8bd4c5c1c5bc4c3f1d4e1d3b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a\nCMD [\"gunicorn\", \"--graceful-timeout\", \"90\", \"app:app\"]\n",
		"k8s/redis.yaml":   manifest,
	})
	rep := runManifests(t, dir, filepath.Join(dir, "k8s"))
	if got := only(rep, "PW513", "PW514"); len(got) != 0 {
		t.Errorf("judged as the project's gunicorn: %q", got)
	}
}

func TestPreStopSleep(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want int
		ok   bool
	}{
		{"sleep: {seconds: 7}", 7, true},
		{"exec: {command: [sleep, \"5\"]}", 5, true},
		{"exec: {command: [/bin/sh, -c, \"sleep 10 && kill -QUIT 1\"]}", 10, true},
		{"exec: {command: [sh, -c, \"sleep 2.5; sleep 1\"]}", 4, true},
		{"httpGet: {path: /drain, port: 8000}", 0, true},
	} {
		objs, err := k8syaml.Read("m.yaml", []byte("kind: X\nhook: {"+tc.yaml+"}\n"))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := preStopSleep(k8syaml.Get(objs[0].Root, "hook"))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %d, %v; want %d, %v", tc.yaml, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := preStopSleep(nil); ok {
		t.Error("no hook counted as one")
	}
}
