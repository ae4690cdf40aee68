package build_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/build/wheelsrc"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
	"pinwheel.dev/pinwheel/internal/sourcebuild/sdisttest"
)

// sdistProject is examples/hello on its real Debian base with one more
// dependency, tinyfmt, that the lock has only as an sdist (pinned by
// sha256), and a build lock of Debian's setuptools and wheel wheels; the
// wheelhouse holds the sdist and the backend's wheels.
func sdistProject(t *testing.T) (dir string, o build.Options) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds from source under runc in a real Debian base")
	}
	if _, err := container.Detect(); err != nil {
		debiantest.Require(t, err.Error())
	}
	dir = copyTree(t, time.Now())
	if _, err := sdisttest.AddSdistDependency(dir); errors.Is(err, sdisttest.ErrNoBackendWheels) {
		debiantest.Require(t, err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "wheelhouse")
	o = opts(dir, t.TempDir())
	o.FindLinks = []string{wh}
	o.BuildLock = filepath.Join(dir, "build-requirements.txt")
	return dir, o
}

// A service with an sdist-only dependency builds in its real base image:
// the sdist becomes a wheel inside that image (setuptools, no network),
// twice byte-identically; build-info and provenance say it was built from
// source, by hash; and the image runs and imports everything.
func TestBuildSdistOnlyDependency(t *testing.T) {
	dir, o := sdistProject(t)
	o.RebuildSources = true
	res := run(t, o)
	sb := res.Platforms[0].SourceBuilds
	if len(sb) != 1 || sb[0].Wheel != "tinyfmt-1.0-py3-none-any.whl" || sb[0].Backend != "setuptools.build_meta" || len(sb[0].Requires) != 2 {
		t.Fatalf("source builds %+v", sb)
	}
	t.Logf("tinyfmt built in %.1fs, rebuilt byte-identical: %v", sb[0].Seconds, *sb[0].Identical)
	if !*sb[0].Identical {
		t.Error("setuptools rebuilt tinyfmt with different bytes")
	}
	sdistSum, _ := wheelsrc.SHA256(filepath.Join(dir, "wheelhouse", "tinyfmt-1.0.tar.gz"))
	if got := res.BuildInfo.SourceBuilds; len(got) != 1 || got[0].Source != "tinyfmt-1.0.tar.gz" || got[0].SourceSHA256 != sdistSum {
		t.Errorf("build-info source builds %+v", got)
	}
	if !strings.Contains(string(res.Provenance), "tinyfmt-1.0.tar.gz") || !strings.Contains(string(res.Provenance), sdistSum) {
		t.Error("provenance does not name the sdist by hash")
	}
	if !regexp.MustCompile(`pkg:pypi/setuptools@[0-9.]+\?file_name=setuptools-`).Match(res.Provenance) {
		t.Error("provenance does not name the build requirements")
	}
	out := runInImage(t, res, "import tinyfmt, greetlib, importlib.metadata as m; print(tinyfmt.shout(greetlib.greet('pinwheel')), m.version('tinyfmt'))")
	if out != "HELLO, PINWHEEL!! 1.0\n" {
		t.Errorf("in the image: %q", out)
	}
	// Warm: the same digest, the dependencies layer from the cache.
	o.RebuildSources = false
	warm := run(t, o)
	if warm.Digest != res.Digest || !warm.Platforms[0].Layers[0].CacheHit {
		t.Errorf("warm build %s (deps cached %v), cold %s", warm.Digest, warm.Platforms[0].Layers[0].CacheHit, res.Digest)
	}
}

// A build requirement no lock pins is named with the sdist that needs it,
// before anything is built.
func TestSourceBuildNeedsLockedRequirements(t *testing.T) {
	dir, o := sdistProject(t)
	os.WriteFile(filepath.Join(dir, "build-requirements.txt"), nil, 0o644)
	_, err := build.Run(context.Background(), o)
	var ae *build.ArtifactsError
	if !errors.As(err, &ae) || len(ae.Problems) != 2 || ae.Problems[0].Kind != build.ProblemBuildRequirement ||
		!strings.Contains(err.Error(), "building tinyfmt-1.0.tar.gz needs setuptools>=61") || !strings.Contains(err.Error(), "--build-lock") {
		t.Fatalf("err = %v, want setuptools and wheel named as unlocked build requirements", err)
	}
}

// runInImage runs the image's venv python with code under runc (what
// `pinwheel run` does) and returns its output.
func runInImage(t *testing.T, res *build.Result, code string) string {
	t.Helper()
	r, err := container.Detect()
	if err != nil {
		debiantest.Require(t, err.Error())
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rr, err := r.Run(ctx, res.Image, container.Options{Process: container.Process{Args: []string{"python", "-c", code}},
		CacheDir: t.TempDir(), Stdout: &out, Stderr: io.MultiWriter(&out)})
	if err != nil || rr.ExitCode != 0 {
		t.Fatalf("run in the image: %v exit %d: %s", err, rr.ExitCode, out.String())
	}
	return out.String()
}

// fastsumC is a C extension module: fastsum.add(a, b).
const fastsumC = `#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}

static PyMethodDef methods[] = {{"add", add, METH_VARARGS, "a + b in C"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "fastsum", NULL, -1, methods};
PyMODINIT_FUNC PyInit_fastsum(void) { return PyModule_Create(&module); }
`

// A C-extension dependency the lock has only as an sdist is compiled by
// gcc in the build-only base (examples/hello/build-base.lock: the runtime
// base plus gcc and python3.11-dev), and the runtime image — without a
// compiler — imports it.
func TestBuildCExtensionSdist(t *testing.T) {
	dir, o := sdistProject(t)
	wh := filepath.Join(dir, "wheelhouse")
	sdist, err := sdisttest.Write(wh, "fastsum", "1.0", map[string]string{
		"pyproject.toml": sdisttest.Pyproject("fastsum", "1.0", nil, ""),
		"setup.py":       "from setuptools import Extension, setup\nsetup(ext_modules=[Extension('fastsum', ['fastsum.c'])])\n",
		"fastsum.c":      fastsumC,
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := wheelsrc.SHA256(sdist)
	if err := sdisttest.AppendPylockSdist(filepath.Join(dir, "pylock.toml"), "fastsum", "1.0", sum); err != nil {
		t.Fatal(err)
	}
	o.BuildBase = filepath.Join(dir, "build-base.lock")
	o.RebuildSources = true
	res := run(t, o)
	var got *build.SourceBuildResult
	for i, sb := range res.Platforms[0].SourceBuilds {
		if sb.Package == "fastsum" {
			got = &res.Platforms[0].SourceBuilds[i]
		}
	}
	if got == nil || got.Wheel != "fastsum-1.0-cp311-cp311-linux_x86_64.whl" {
		t.Fatalf("source builds %+v", res.Platforms[0].SourceBuilds)
	}
	t.Logf("fastsum compiled in %.1fs, rebuilt byte-identical: %v", got.Seconds, *got.Identical)
	out := runInImage(t, res, "import fastsum, tinyfmt, greetlib, shutil; print(fastsum.add(40, 2), fastsum.__file__.endswith('.so'), shutil.which('gcc'))")
	if out != "42 True None\n" {
		t.Errorf("in the image: %q", out)
	}
}

// A uv workspace member — an editable source tree inside the project — is
// packed (its hash names the source) and built into a wheel like an sdist;
// the image imports it, and changing the member's code changes the image.
func TestBuildWorkspaceMemberFromSource(t *testing.T) {
	dir, o := sdistProject(t)
	member := filepath.Join(dir, "libs", "shouty")
	os.MkdirAll(member, 0o755)
	os.WriteFile(filepath.Join(member, "pyproject.toml"), []byte(sdisttest.Pyproject("shouty", "0.1", []string{"shouty"}, "")), 0o644)
	os.WriteFile(filepath.Join(member, "shouty.py"), []byte("def shout(s):\n    return s.upper()\n"), 0o644)
	sum, _ := wheelsrc.SHA256(filepath.Join(dir, "wheelhouse", "greetlib-1.0.0-py3-none-any.whl"))
	uv := helloUVLock(sum, `[{ name = "greetlib" }, { name = "shouty" }]`, `
[[package]]
name = "shouty"
version = "0.1"
source = { editable = "libs/shouty" }
`)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(uv), 0o644)
	rewriteConfig(t, dir, "lockfile: pylock.toml", "lockfile: uv.lock")
	res := run(t, o)
	sb := res.Platforms[0].SourceBuilds
	if len(sb) != 1 || sb[0].Source != "shouty-0.1.tar.gz" || sb[0].Wheel != "shouty-0.1-py3-none-any.whl" {
		t.Fatalf("source builds %+v", sb)
	}
	if out := runInImage(t, res, "import shouty, greetlib; print(shouty.shout(greetlib.greet('member')))"); out != "HELLO, MEMBER!\n" {
		t.Errorf("in the image: %q", out)
	}
	os.WriteFile(filepath.Join(member, "shouty.py"), []byte("def shout(s):\n    return s.upper() + '!!'\n"), 0o644)
	changed := run(t, o)
	if changed.Digest == res.Digest || changed.BuildInfo.SourceBuilds[0].SourceSHA256 == res.BuildInfo.SourceBuilds[0].SourceSHA256 {
		t.Errorf("a changed member gave digest %s (was %s), source %+v", changed.Digest, res.Digest, changed.BuildInfo.SourceBuilds)
	}
}

// The project itself, locked by uv as an editable package with a build
// backend (not virtual), is built into a wheel and installed with its
// dependencies: its console script exists in the image and runs, as
// `uv sync --no-editable` would make it.
func TestBuildInstallsTheProjectItself(t *testing.T) {
	dir, o := sdistProject(t)
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(sdisttest.Pyproject("hello", "1.0.0", []string{"hellocli"},
		"\n[project.scripts]\nhello-cli = \"hellocli:main\"\n")), 0o644)
	os.WriteFile(filepath.Join(dir, "hellocli.py"), []byte("import greetlib\n\ndef main():\n    print(greetlib.greet('cli'))\n"), 0o644)
	sum, _ := wheelsrc.SHA256(filepath.Join(dir, "wheelhouse", "greetlib-1.0.0-py3-none-any.whl"))
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(helloUVLock(sum, `[{ name = "greetlib" }]`, "")), 0o644)
	rewriteConfig(t, dir, "lockfile: pylock.toml", "lockfile: uv.lock")
	o.Outputs = []string{"oci:" + filepath.Join(dir, "out")} // inside the project: left out of the packed tree
	res := run(t, o)
	sb := res.Platforms[0].SourceBuilds
	if len(sb) != 1 || sb[0].Source != "hello-1.0.0.tar.gz" || sb[0].Wheel != "hello-1.0.0-py3-none-any.whl" {
		t.Fatalf("source builds %+v", sb)
	}
	code := "import shutil, subprocess; p = shutil.which('hello-cli'); print(p); print(subprocess.run([p], capture_output=True, text=True).stdout, end='')"
	if out := runInImage(t, res, code); out != build.VenvDir+"/bin/hello-cli\nhello, cli!\n" {
		t.Errorf("in the image: %q", out)
	}
	// The output written into the project does not change the source.
	again := run(t, o)
	if again.BuildInfo.SourceBuilds[0].SourceSHA256 != res.BuildInfo.SourceBuilds[0].SourceSHA256 || again.Digest != res.Digest {
		t.Errorf("rebuild: source %s digest %s, was %s %s", again.BuildInfo.SourceBuilds[0].SourceSHA256, again.Digest,
			res.BuildInfo.SourceBuilds[0].SourceSHA256, res.Digest)
	}
}

// A project whose build backend the build lock does not hold is reported
// like any other missing artifact: at its lock line, naming the backend
// and both ways out (lock the backend, or ship the code as the app layer).
func TestProjectItselfWithUnlockedBackend(t *testing.T) {
	dir, o := sdistProject(t)
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(`[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "hello"
version = "1.0.0"
`), 0o644)
	sum, _ := wheelsrc.SHA256(filepath.Join(dir, "wheelhouse", "greetlib-1.0.0-py3-none-any.whl"))
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(helloUVLock(sum, `[{ name = "greetlib" }]`, "")), 0o644)
	rewriteConfig(t, dir, "lockfile: pylock.toml", "lockfile: uv.lock")
	_, err := build.Run(context.Background(), o)
	var pe *build.ArtifactsError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 {
		t.Fatalf("err = %v, want one artifact problem", err)
	}
	pr := pe.Problems[0]
	if pr.Kind != build.ProblemBuildRequirement || pr.File != "uv.lock" || pr.Line != 10 || pr.Package != "hello" ||
		!strings.Contains(pr.Detail, "needs hatchling") || !strings.Contains(pr.Fix, "app.install-project: false") {
		t.Errorf("problem %+v", pr)
	}
	// Opting out ships the project as the app layer only, as before.
	rewriteConfig(t, dir, `include: ["hello/**"]`, `include: ["hello/**"]
  install-project: false`)
	res := run(t, o)
	if len(res.Platforms[0].SourceBuilds) != 0 {
		t.Errorf("install-project: false still built %+v", res.Platforms[0].SourceBuilds)
	}
}

// A git source is built from the commit the lock pins: exported from the
// repository (cached), packed, built in the target image; a commit pushed
// to the branch afterwards changes nothing, and an unknown commit is a
// problem at the package's lock line.
func TestBuildGitSourceFromItsPinnedCommit(t *testing.T) {
	dir, o := sdistProject(t)
	repo := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, body string) { os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644) }
	git("init", "--quiet", "--initial-branch=main")
	write("pyproject.toml", sdisttest.Pyproject("gitlib", "0.3", []string{"gitlib"}, ""))
	write("gitlib.py", "WHO = 'pinned'\n")
	git("add", "-A")
	git("commit", "--quiet", "-m", "one")
	pinned := git("rev-parse", "HEAD")
	write("gitlib.py", "WHO = 'moved'\n")
	git("commit", "--quiet", "-am", "two")

	sum, _ := wheelsrc.SHA256(filepath.Join(dir, "wheelhouse", "greetlib-1.0.0-py3-none-any.whl"))
	uvLock := func(commit string) string {
		return helloUVLock(sum, `[{ name = "greetlib" }, { name = "gitlib" }]`, `
[[package]]
name = "gitlib"
version = "0.3"
source = { git = "file://`+repo+`?rev=main#`+commit+`" }
`)
	}
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(uvLock(pinned)), 0o644)
	rewriteConfig(t, dir, "lockfile: pylock.toml", "lockfile: uv.lock")
	res := run(t, o)
	sb := res.Platforms[0].SourceBuilds
	if len(sb) != 1 || sb[0].Source != "gitlib-0.3.tar.gz" || sb[0].Wheel != "gitlib-0.3-py3-none-any.whl" {
		t.Fatalf("source builds %+v", sb)
	}
	if out := runInImage(t, res, "import gitlib; print(gitlib.WHO)"); out != "pinned\n" {
		t.Errorf("in the image: %q", out)
	}

	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(uvLock(strings.Repeat("ab", 20))), 0o644)
	_, err := build.Run(context.Background(), o)
	var pe *build.ArtifactsError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 || pe.Problems[0].Package != "gitlib" || pe.Problems[0].Line == 0 ||
		!strings.Contains(pe.Problems[0].Detail, "is not in the repository") {
		t.Fatalf("unknown commit: %v", err)
	}
}
