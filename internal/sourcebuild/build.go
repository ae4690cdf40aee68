package sourcebuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// cacheFormat versions the built-wheel cache layout and key.
const cacheFormat = "pinwheel-sourcebuild-v1"

// Dep is one build requirement: a wheel the caller verified by hash.
type Dep struct {
	Filename string
	Path     string
	SHA256   string
}

// Request is one source build.
type Request struct {
	Sdist  string // path of the verified sdist (.tar.gz)
	Name   string // its file name, for messages (default: the path's base)
	SHA256 string // its sha256
	// Image is the build image: the target image's base (its Python, C
	// library, and for extensions its compiler and headers).
	Image       v1.Image
	Interpreter string // the Python in Image, e.g. /usr/bin/python3.11
	Python      string // "3.11"
	Target      string // the target's tags as a string (part of the cache key)
	System      BuildSystem
	Deps        []Dep
	Epoch       time.Time // SOURCE_DATE_EPOCH
	CacheDir    string    // built wheels: CacheDir/sourcebuild; rootfs: CacheDir/rootfs
	// Fresh builds even when a wheel is cached, to check reproducibility:
	// the result has the wheel's SHA256 but no Wheel;
	// the cache is left as it was.
	Fresh bool
}

// Result is a built wheel.
type Result struct {
	Wheel    string `json:"-"` // path of the wheel in the cache ("" for Fresh builds: only SHA256)
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
	CacheHit bool   `json:"cacheHit"`
	// Requires is what the backend asked for beyond [build-system].
	Requires []string      `json:"requires,omitempty"`
	Duration time.Duration `json:"duration"`
}

// Builder runs source builds under runc.
type Builder struct {
	Runc *container.Runc
	// Timeout bounds one build (default 15 minutes).
	Timeout time.Duration
}

// buildUID is the unprivileged user the backend runs as.
const buildUID = 65532

// Build builds req's sdist into a wheel, or returns the cached one.
func (b *Builder) Build(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	digest, err := req.Image.Digest()
	if err != nil {
		return Result{}, err
	}
	cached := filepath.Join(req.CacheDir, "sourcebuild", req.key(digest.String()))
	if !req.Fresh {
		if r, ok := lookup(cached); ok {
			return r, nil
		}
	}
	work, err := os.MkdirTemp("", "pinwheel-srcbuild-*")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(work)
	top, err := b.prepare(ctx, req, work)
	if err != nil {
		return Result{}, err
	}
	res, err := b.run(ctx, req, work, top)
	if err != nil {
		return Result{}, err
	}
	built := filepath.Join(work, "out", res.Filename)
	if req.Fresh { // only its hash is wanted; the wheel goes with work
		if res.SHA256, err = safefs.SHA256(filepath.Dir(built), built); err != nil {
			return Result{}, err
		}
		res.Duration = time.Since(start)
		return res, nil
	}
	if res.Wheel, res.SHA256, err = keep(built, cached, res.Filename); err != nil {
		return Result{}, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// key is the cache key: everything that decides the wheel's bytes.
func (req Request) key(imageDigest string) string {
	deps := make([]string, len(req.Deps))
	for i, d := range req.Deps {
		deps[i] = d.Filename + "=" + d.SHA256
	}
	sort.Strings(deps)
	parts := append([]string{cacheFormat, req.SHA256, req.Target, imageDigest, req.Interpreter,
		strconv.FormatInt(req.Epoch.Unix(), 10), req.System.Backend, strings.Join(req.System.BackendPath, ",")}, deps...)
	h := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(h[:])
}

// prepare lays out work: src (the unpacked sdist), deps (the build
// requirements installed), out (for the wheel). It returns the source
// tree's directory name under src.
func (b *Builder) prepare(ctx context.Context, req Request, work string) (string, error) {
	for _, d := range []string{"src", "deps", "out"} {
		if err := os.Mkdir(filepath.Join(work, d), 0o755); err != nil {
			return "", err
		}
	}
	top, err := unpack(ctx, req.Sdist, filepath.Join(work, "src"))
	if err != nil {
		return "", err
	}
	deps := filepath.Join(work, "deps")
	scheme := wheel.Scheme{Purelib: deps, Platlib: deps, Scripts: filepath.Join(work, "depsbin"), Data: filepath.Join(work, "depsdata"),
		Headers: filepath.Join(work, "depsinclude"), Interpreter: req.Interpreter}
	for _, d := range req.Deps {
		if _, err := wheel.Install(ctx, d.Path, scheme, wheel.WithFilename(d.Filename), wheel.WithPythonVersion(req.Python), wheel.WithModTime(req.Epoch)); err != nil {
			return "", fmt.Errorf("install build requirement %s: %w", d.Filename, err)
		}
	}
	// The backend (an unprivileged user) writes into the tree and out.
	for _, d := range []string{"src", "out"} {
		if err := chownTree(filepath.Join(work, d), buildUID); err != nil {
			return "", err
		}
	}
	return top, nil
}

// result is what the hooks script reports.
type result struct {
	Wheel    string   `json:"wheel"`
	Requires []string `json:"requires"`
	Missing  []string `json:"missing"`
}

// maxLog is how much of the backend's output a failed build quotes.
const maxLog = 4 << 10

func (b *Builder) run(ctx context.Context, req Request, work, top string) (Result, error) {
	pr, err := container.Prepare(ctx, req.Image, filepath.Join(req.CacheDir, "rootfs"))
	if err != nil {
		return Result{}, err
	}
	defer pr.Close()
	bp, _ := json.Marshal(append([]string{}, req.System.BackendPath...))
	proc := container.Process{
		Args: []string{req.Interpreter, "-I", "-c", hooks, outDir, outDir + "/.result.json", req.System.Backend, string(bp)},
		Env: []string{"SOURCE_DATE_EPOCH=" + strconv.FormatInt(req.Epoch.Unix(), 10), "PYTHONDONTWRITEBYTECODE=1",
			"PYTHONHASHSEED=0", "TZ=UTC", "LC_ALL=C.UTF-8", "HOME=/tmp"},
		WorkDir: srcDir + "/" + top,
	}
	// The backend runs as the build user, under the default seccomp
	// profile like every container pinwheel starts (Prepared.Spec).
	pr.User = container.User{UID: buildUID, GID: buildUID, Home: "/tmp"}
	spec, err := pr.Spec(proc, container.Limits{Pids: 512})
	if err != nil {
		return Result{}, err
	}
	isolate(spec, work)
	var log bytes.Buffer
	c, err := b.Runc.Start(spec, container.StartOptions{Name: "srcbuild", Stdout: &log, Stderr: &log})
	if err != nil {
		return Result{}, err
	}
	defer c.Delete()
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Minute
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		c.Stop(5 * time.Second)
	case <-time.After(timeout):
		c.Stop(5 * time.Second)
	}
	code, err := c.Wait()
	if err != nil {
		return Result{}, err
	}
	name := req.Name
	if name == "" {
		name = filepath.Base(req.Sdist)
	}
	var r result
	if b, err := safefs.ReadFile(ctx, filepath.Join(work, "out"), filepath.Join(work, "out", ".result.json"), 1<<20); err == nil {
		_ = json.Unmarshal(b, &r)
	}
	switch {
	case len(r.Missing) > 0:
		return Result{}, &MissingRequiresError{Sdist: name, Missing: r.Missing}
	case ctx.Err() != nil:
		return Result{}, ctx.Err()
	case code != 0:
		return Result{}, fmt.Errorf("build %s with %s: exit %d:\n%s", name, req.System.Backend, code, tail(log.Bytes()))
	}
	if r.Wheel == "" || filepath.Base(r.Wheel) != r.Wheel || !strings.HasSuffix(r.Wheel, ".whl") {
		return Result{}, fmt.Errorf("build %s: the backend returned %q, not a wheel file name", name, r.Wheel)
	}
	if _, err := pep.ParseWheelFilename(r.Wheel); err != nil {
		return Result{}, fmt.Errorf("build %s: %w", name, err)
	}
	return Result{Filename: r.Wheel, Requires: r.Requires}, nil
}

// MissingRequiresError says the backend asked for build requirements
// (get_requires_for_build_wheel) that were not provided.
type MissingRequiresError struct {
	Sdist   string
	Missing []string
}

func (e *MissingRequiresError) Error() string {
	return fmt.Sprintf("build %s: the backend also needs %s, which no lock provides", e.Sdist, strings.Join(e.Missing, ", "))
}

func tail(b []byte) string {
	if len(b) > maxLog {
		b = append([]byte("…"), b[len(b)-maxLog:]...)
	}
	return strings.TrimRight(string(b), "\n")
}
