package local

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// hostSiteDirs are the machine's own site-packages, which replicas must not see.
func hostSiteDirs(t *testing.T) []string {
	out, err := exec.Command("python3", "-c", "import site,json;print(json.dumps(site.getsitepackages()+[site.getusersitepackages()]))").Output()
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	if err := json.Unmarshal(out, &dirs); err != nil || len(dirs) == 0 {
		t.Fatalf("host site dirs %q: %v", out, err)
	}
	return dirs
}

func sysPath(t *testing.T, url string) []string {
	resp, err := http.Get(url + "/sys-path")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Path []string }
	json.NewDecoder(resp.Body).Decode(&body)
	return body.Path
}

func assertIsolated(t *testing.T, path []string, mustHave string) {
	t.Helper()
	for _, host := range hostSiteDirs(t) {
		for _, p := range path {
			if p == host {
				t.Errorf("replica sees the host's %s: %v", host, path)
			}
		}
	}
	found := false
	for _, p := range path {
		found = found || p == mustHave
	}
	if !found {
		t.Errorf("sys.path lacks the release's dependencies %s: %v", mustHave, path)
	}
}

func TestSourceReleaseIsolatedWithLockedDeps(t *testing.T) {
	rt := newTestRuntime(t)
	deps := t.TempDir()
	os.WriteFile(filepath.Join(deps, "lockeddep.py"), []byte("VALUE = 42\n"), 0o644)
	rel := srcRelease("v1")
	rel.Artifact.Source.SitePackages = deps
	apply(t, rt, runtime.Desired{Stable: rel, Replicas: 1})
	o := waitConverged(t, rt)
	assertIsolated(t, sysPath(t, o.Endpoint), deps)
	// pip is installed in the host python's own site-packages: importable
	// there, so the hostpkg case below would pass if isolation leaked.
	if out, err := exec.Command("python3", "-c", "import pip").CombinedOutput(); err != nil {
		t.Fatalf("host python3 cannot import pip, so the isolation case proves nothing: %v %s", err, out)
	}

	for _, tc := range []struct {
		name   string
		spec   rollout.SmokeStep
		pass   bool
		reason string // in the result's output, when set
	}{
		{"imports_locked_dep", rollout.SmokeStep{Command: []string{"python3", "-c", "import lockeddep; assert lockeddep.VALUE == 42"}}, true, ""},
		{"host_package_not_importable", rollout.SmokeStep{Command: []string{"python3", "-c", "import pip"}}, false, "No module named 'pip'"},
		{"canary_url_reaches_replica", rollout.SmokeStep{Command: []string{"python3", "-c", "import os,urllib.request; urllib.request.urlopen(os.environ['CANARY_URL'] + '/healthz')"}}, true, ""},
		{"failing_command", rollout.SmokeStep{Command: []string{"python3", "-c", "raise SystemExit('smoke failed: boom')"}}, false, ""},
		{"http_probe_ok", rollout.SmokeStep{HTTP: []rollout.HTTPProbe{{Path: "/healthz"}, {Path: "/sys-path", ExpectStatus: 200}}}, true, ""},
		{"http_probe_wrong_status", rollout.SmokeStep{HTTP: []rollout.HTTPProbe{{Path: "/healthz", ExpectStatus: 204}}}, false, ""},
		{"timeout", rollout.SmokeStep{Command: []string{"python3", "-c", "import time; time.sleep(30)"}, Timeout: rollout.Duration(300 * time.Millisecond)}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := rt.Smoke(context.Background(), svc, "v1", tc.spec)
			if err != nil || res.Passed != tc.pass || res.Reason == "" || !strings.Contains(res.Output, tc.reason) {
				t.Errorf("smoke = %+v, %v; want passed=%v output containing %q", res, err, tc.pass, tc.reason)
			}
		})
	}
}

// writeImage builds a pinwheel-shaped image (base + deps layer with a venv's
// site-packages and a console script + app layer) into an OCI layout.
func writeImage(t *testing.T, pyVersion string) (dir string, digest string) {
	t.Helper()
	base, err := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	app, _ := os.ReadFile("testdata/app/app.py")
	site := "opt/pinwheel/venv/lib/python" + minorOf(pyVersion) + "/site-packages/"
	deps, err := image.NewLayer([]image.Entry{
		image.BytesEntry(site+"imagedep.py", []byte("VALUE = 'from the image'\n"), 0o644),
		image.BytesEntry("opt/pinwheel/venv/bin/serve", []byte("#!/opt/pinwheel/venv/bin/python\nimport runpy, sys\nsys.argv = ['app.py']\nrunpy.run_path('app.py', run_name='__main__')\n"), 0o755),
	})
	if err != nil {
		t.Fatal(err)
	}
	appLayer, err := image.NewLayer([]image.Entry{image.BytesEntry("app/app.py", app, 0o644)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := image.Build(image.Spec{
		Platform: v1.Platform{OS: "linux", Architecture: "amd64"}, Base: base,
		Layers:  []image.Layer{{Layer: deps, CreatedBy: "pinwheel: dependencies"}, {Layer: appLayer, CreatedBy: "pinwheel: app"}},
		Config:  image.Config{Entrypoint: []string{"serve"}, WorkingDir: "/app", Env: []string{"VIRTUAL_ENV=/opt/pinwheel/venv", "RELEASE=img"}, PathPrepend: []string{"/opt/pinwheel/venv/bin"}, Labels: map[string]string{"dev.pinwheel.python-version": pyVersion}},
		Created: time.Unix(1700000000, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	return writeLayout(t, img)
}

// writeLayout writes img into a new OCI layout.
func writeLayout(t *testing.T, img v1.Image) (dir, digest string) {
	t.Helper()
	dir = t.TempDir()
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return dir, d.String()
}

func TestLayoutReleaseRunsImageLayers(t *testing.T) {
	rt := newTestRuntime(t, WithContainers(false)) // the host-process mode
	dir, digest := writeImage(t, rt.python.version)
	rel := &runtime.Release{ID: "img", Artifact: runtime.Artifact{Layout: dir, Digest: digest}}
	apply(t, rt, runtime.Desired{Stable: rel, Replicas: 1})
	o := waitConverged(t, rt)
	if a := get(o.Endpoint + "/"); a.code != 200 || a.release != "img" {
		t.Fatalf("answer %v", a)
	}
	root := filepath.Join(rt.stateDir, "artifacts", strings.TrimPrefix(digest, "sha256:"))
	if _, err := os.Stat(filepath.Join(root, "etc/passwd")); !os.IsNotExist(err) {
		t.Errorf("base layer extracted too (want only pinwheel layers): %v", err)
	}
	site := filepath.Join(root, "opt/pinwheel/venv/lib/python"+rt.python.minor()+"/site-packages")
	assertIsolated(t, sysPath(t, o.Endpoint), site)
	res, err := rt.Smoke(context.Background(), svc, "img", rollout.SmokeStep{Command: []string{"python", "-c", "import imagedep; assert imagedep.VALUE == 'from the image'"}})
	if err != nil || !res.Passed {
		t.Errorf("smoke in the image's environment: %+v %v", res, err)
	}
}

func TestLayoutPythonMismatchIsAClearError(t *testing.T) {
	rt := newTestRuntime(t, WithContainers(false)) // the host-process mode
	dir, digest := writeImage(t, "3.7.1")
	err := rt.Apply(context.Background(), runtime.Desired{Service: svc, Replicas: 1,
		Stable: &runtime.Release{ID: "old", Artifact: runtime.Artifact{Layout: dir, Digest: digest}}})
	if err == nil || !strings.Contains(err.Error(), "release old needs Python 3.7 but") || !strings.Contains(err.Error(), "Python "+rt.python.version) {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}

func TestBadDesiredIsRefused(t *testing.T) {
	rt := newTestRuntime(t)
	for name, d := range map[string]runtime.Desired{
		"no_service":   {Stable: srcRelease("v1")},
		"bad_weight":   {Service: svc, Stable: srcRelease("v1"), Canary: srcRelease("v2"), CanaryWeight: 101},
		"same_id":      {Service: svc, Stable: srcRelease("v1"), Canary: srcRelease("v1")},
		"no_artifact":  {Service: svc, Stable: &runtime.Release{ID: "x"}},
		"registry_ref": {Service: svc, Stable: &runtime.Release{ID: "x", Artifact: runtime.Artifact{Image: "example.com/x:1"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if err := rt.Apply(context.Background(), d); err == nil {
				t.Error("want an error")
			}
		})
	}
}
