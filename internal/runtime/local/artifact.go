package local

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// launch is how a release's replicas are started.
type launch struct {
	argv   []string // argv[0] is the release's venv python
	dir    string   // working directory
	env    []string // environment without PORT
	python string   // the release's venv python (for smoke commands)
	// image set: replicas run as containers of this image under runc,
	// with env after the image's, bundles under bundles, limits as cgroups.
	image   *container.Prepared
	runc    *container.Runc
	bundles string
	limits  container.Limits
}

// prepare turns rel's artifact into a launch: a per-release venv under the
// state dir whose site directories are the release's dependencies only.
func (rt *Runtime) prepare(ctx context.Context, service string, rel runtime.Release) (launch, error) {
	relDir := filepath.Join(rt.stateDir, "releases", safeName(service), safeName(rel.ID))
	if err := os.MkdirAll(relDir, 0o755); err != nil {
		return launch{}, err
	}
	a := rel.Artifact
	switch {
	case a.Source != nil:
		return rt.prepareSource(relDir, rel)
	case a.Layout != "" && rt.runc != nil:
		return rt.prepareContainer(ctx, rel)
	case a.Layout != "":
		return rt.prepareLayout(ctx, relDir, rel)
	case a.Image != "":
		return launch{}, fmt.Errorf("release %s: the local runtime runs OCI layouts and source trees, not registry images (%s): build with --output oci-layout", rel.ID, a.Image)
	}
	return launch{}, fmt.Errorf("release %s: no artifact (set a layout or a source dir)", rel.ID)
}

func (rt *Runtime) checkPython(rel runtime.Release, want string) error {
	if rt.pyErr != nil {
		return fmt.Errorf("release %s: %w", rel.ID, rt.pyErr)
	}
	if want == "" || minorOf(want) == rt.python.minor() {
		return nil
	}
	return fmt.Errorf("release %s needs Python %s but %s is Python %s: install python%s and pass it with --python",
		rel.ID, minorOf(want), rt.python.exe, rt.python.version, minorOf(want))
}

func (rt *Runtime) prepareSource(relDir string, rel runtime.Release) (launch, error) {
	src := rel.Artifact.Source
	if err := rt.checkPython(rel, rel.BuildInfo.PythonVersion); err != nil {
		return launch{}, err
	}
	if len(src.Command) == 0 {
		return launch{}, fmt.Errorf("release %s: source artifact has no command", rel.ID)
	}
	dir, err := filepath.Abs(src.Dir)
	if err != nil {
		return launch{}, err
	}
	var sites []string
	if src.SitePackages != "" {
		s, err := filepath.Abs(src.SitePackages)
		if err != nil {
			return launch{}, err
		}
		sites = append(sites, s)
	}
	py, err := makeVenv(filepath.Join(relDir, "venv"), rt.python, sites)
	if err != nil {
		return launch{}, fmt.Errorf("release %s: make venv: %w", rel.ID, err)
	}
	args := src.Command
	if isPythonName(args[0]) {
		args = args[1:]
	}
	env := baseEnv(relDir, filepath.Dir(py), nil, rel.Env)
	return launch{argv: append([]string{py}, args...), dir: dir, env: env, python: py}, nil
}

func (rt *Runtime) prepareLayout(ctx context.Context, relDir string, rel runtime.Release) (launch, error) {
	img, err := extractLayout(ctx, rel.Artifact.Layout, rel.Artifact.Digest, filepath.Join(rt.stateDir, "artifacts"))
	if err != nil {
		return launch{}, fmt.Errorf("release %s: %w", rel.ID, err)
	}
	want := img.pythonVersion
	if want == "" {
		want = rel.BuildInfo.PythonVersion
	}
	if err := rt.checkPython(rel, want); err != nil {
		return launch{}, err
	}
	py, err := makeVenv(filepath.Join(relDir, "venv"), rt.python, img.siteDirs)
	if err != nil {
		return launch{}, fmt.Errorf("release %s: make venv: %w", rel.ID, err)
	}
	argv, err := img.command(py)
	if err != nil {
		return launch{}, fmt.Errorf("release %s: %w", rel.ID, err)
	}
	env := baseEnv(relDir, filepath.Dir(py), img.env, rel.Env)
	return launch{argv: argv, dir: img.inRoot(img.workDir), env: env, python: py}, nil
}

// baseEnv is a replica's environment: nothing from the host but a minimal
// PATH, the image's env without its interpreter and path settings, the
// release's Env, and settings that keep the host's packages out.
func baseEnv(home, venvBin string, imageEnv []string, relEnv map[string]string) []string {
	env := map[string]string{}
	for _, kv := range imageEnv {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for _, k := range []string{"PATH", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE"} {
		delete(env, k)
	}
	env["PATH"] = venvBin + ":/usr/local/bin:/usr/bin:/bin"
	env["VIRTUAL_ENV"] = filepath.Dir(venvBin)
	env["HOME"] = home
	env["PYTHONNOUSERSITE"] = "1"
	env["PYTHONUNBUFFERED"] = "1"
	if lang := os.Getenv("LANG"); lang != "" {
		env["LANG"] = lang
	}
	for k, v := range relEnv {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// command maps the image's entrypoint+cmd onto the extracted root: python
// itself becomes the release's venv python; a script with a python shebang
// (a console script) runs under it.
func (img extractedImage) command(py string) ([]string, error) {
	argv := append(append([]string{}, img.entrypoint...), img.cmd...)
	if len(argv) == 0 {
		return nil, fmt.Errorf("image has no entrypoint or cmd")
	}
	if isPythonName(argv[0]) {
		return append([]string{py}, argv[1:]...), nil
	}
	script := img.lookPath(argv[0])
	if script == "" {
		return nil, fmt.Errorf("entrypoint %q is not in the image's pinwheel layers; the local runtime runs Python entrypoints only", argv[0])
	}
	if !img.hasPythonShebang(script) {
		return nil, fmt.Errorf("entrypoint %q is not a Python program; the local runtime runs Python entrypoints only", argv[0])
	}
	return append([]string{py, script}, argv[1:]...), nil
}

// lookPath finds name in the extracted root (absolute, or on the image PATH).
func (img extractedImage) lookPath(name string) string {
	var cands []string
	if path.IsAbs(name) {
		cands = []string{name}
	} else {
		for _, kv := range img.env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				for _, d := range strings.Split(v, ":") {
					cands = append(cands, path.Join(d, name))
				}
			}
		}
	}
	for _, c := range cands {
		if f, err := safefs.Open(img.root, img.inRoot(c)); err == nil {
			f.Close()
			return img.inRoot(c)
		}
	}
	return ""
}

// hasPythonShebang reads the first line (at most 4 KiB) of file, a regular
// file inside the image root: an entrypoint linked to /dev/zero or out of
// the root is not a Python program.
func (img extractedImage) hasPythonShebang(file string) bool {
	f, err := safefs.Open(img.root, file)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(io.LimitReader(f, 4096)).ReadString('\n')
	return strings.HasPrefix(line, "#!") && strings.Contains(line, "python")
}

// safeName keeps names usable as one path element.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, strings.TrimLeft(s, "."))
}
