package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// SecretDirsVar lists (colon-separated) the directories outside the project
// that secretEnv's fromFile may name by absolute path. It is read from the
// deploying process's environment, never from pinwheel.yaml, so a project
// cannot widen what it may read.
const SecretDirsVar = "PINWHEEL_SECRET_DIRS"

// maxSecretFile caps a fromFile secret.
const maxSecretFile = 1 << 20

// SecretRefs converts pinwheel.yaml's secretEnv to the references a
// runtime.Release records.
func SecretRefs(c *config.Config) map[string]runtime.SecretRef {
	if len(c.SecretEnv) == 0 {
		return nil
	}
	out := make(map[string]runtime.SecretRef, len(c.SecretEnv))
	for name, r := range c.SecretEnv {
		ref := runtime.SecretRef{FromEnv: r.FromEnv, FromFile: r.FromFile}
		if r.SecretKeyRef != nil {
			ref.SecretKeyRef = &runtime.SecretKeyRef{Name: r.SecretKeyRef.Name, Key: r.SecretKeyRef.Key}
		}
		out[name] = ref
	}
	return out
}

// EnvResolver turns a recorded release into the one a local runtime runs:
// Env filled from the project's pinwheel.yaml (checked against the recorded
// digests) and from secretEnv's references. Errors name variables and
// references, never values.
type EnvResolver struct {
	// Dir is the project: fromFile's root and the pinwheel.yaml EnvDigests
	// are read from.
	Dir string
	// LookupEnv reads the deploying process's environment (nil:
	// os.LookupEnv).
	LookupEnv func(string) (string, bool)

	once sync.Once
	cfg  *config.Config
	err  error
}

// NewEnvResolver resolves against the project in dir and this process's
// environment.
func NewEnvResolver(dir string) *EnvResolver {
	return &EnvResolver{Dir: dir, LookupEnv: os.LookupEnv}
}

// Resolve returns r with Env holding every variable it runs with, and no
// references left.
func (e *EnvResolver) Resolve(ctx context.Context, r runtime.Release) (runtime.Release, error) {
	if len(r.EnvDigests) == 0 && len(r.SecretEnv) == 0 {
		return r, nil
	}
	env := make(map[string]string, len(r.Env)+len(r.EnvDigests)+len(r.SecretEnv))
	for k, v := range r.Env {
		env[k] = v
	}
	if len(r.EnvDigests) > 0 {
		cfg, err := e.config()
		if err != nil {
			return r, err
		}
		for _, name := range sortedNames(r.EnvDigests) {
			v, ok := cfg.Env[name]
			if !ok || config.ValueDigest(v) != r.EnvDigests[name] {
				now := "no such variable"
				if ok {
					now = config.ValueDigest(v)
				}
				return r, &inputerr.Error{Path: cfg.Path, Msg: fmt.Sprintf(
					"release %s runs with env: %s = %s, and pinwheel.yaml now has %s: the value is not recorded, so deploy a new release (--source) instead",
					r.ID, name, r.EnvDigests[name], now)}
			}
			env[name] = v
		}
	}
	for _, name := range sortedNames(r.SecretEnv) {
		v, err := e.secret(ctx, name, r.SecretEnv[name])
		if err != nil {
			return r, err
		}
		env[name] = v
	}
	r.Env, r.EnvDigests, r.SecretEnv = env, nil, nil
	return r, nil
}

func (e *EnvResolver) config() (*config.Config, error) {
	e.once.Do(func() { e.cfg, e.err = config.Load(e.Dir) })
	return e.cfg, e.err
}

// secret reads one reference. The value never appears in an error.
func (e *EnvResolver) secret(ctx context.Context, name string, ref runtime.SecretRef) (string, error) {
	bad := func(format string, args ...any) error {
		return &inputerr.Error{Path: filepath.Join(e.Dir, config.FileName),
			Msg: fmt.Sprintf("secretEnv.%s: ", name) + fmt.Sprintf(format, args...)}
	}
	lookup := e.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var v string
	switch {
	case ref.FromEnv != "":
		var ok bool
		if v, ok = lookup(ref.FromEnv); !ok {
			return "", bad("fromEnv %s is not set in the environment of this pinwheel process", ref.FromEnv)
		}
	case ref.FromFile != "":
		root, path, err := e.secretFile(ref.FromFile)
		if err != nil {
			return "", bad("fromFile %s: %v", inputerr.Excerpt(ref.FromFile), err)
		}
		data, err := safefs.ReadFile(ctx, root, path, maxSecretFile)
		if err != nil {
			return "", bad("fromFile %s: %v", inputerr.Excerpt(ref.FromFile), err)
		}
		// One trailing newline is what `echo value > file` adds, not the value.
		data = bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r"))
		v = string(data)
	case ref.SecretKeyRef != nil:
		return "", bad("only a secretKeyRef (%s/%s), which Kubernetes resolves; the local target needs fromEnv or fromFile",
			ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
	default:
		return "", bad("no reference")
	}
	if strings.IndexByte(v, 0) >= 0 {
		return "", bad("the value holds a NUL byte, which no environment variable can")
	}
	return v, nil
}

// secretFile returns the root a fromFile path must stay inside and the
// path: the project for a relative one, the listed secret directory that
// holds an absolute one.
func (e *EnvResolver) secretFile(f string) (root, path string, err error) {
	if !filepath.IsAbs(f) {
		return e.Dir, filepath.Join(e.Dir, f), nil
	}
	lookup := e.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	dirs, _ := lookup(SecretDirsVar)
	for _, d := range filepath.SplitList(dirs) {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		if _, err := safefs.Within(d, f); err == nil {
			return d, f, nil
		}
	}
	return "", "", errors.New("an absolute path must be inside a directory listed in $" + SecretDirsVar + " (the project's own files are named relative to it)")
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// envTarget resolves each release's environment just before it reaches the
// runtime, so values live only in the deploying process and the replicas.
type envTarget struct {
	runtime.Target
	resolver *EnvResolver
}

// Apply resolves the releases the runtime does not hold yet. A release it
// holds keeps the environment it was first started with (releases are
// immutable by ID), so it is passed without its references and nothing is
// resolved: a rollback to the running stable release works after
// pinwheel.yaml's env: changed, or in a shell without the secret.
func (t envTarget) Apply(ctx context.Context, d runtime.Desired) error {
	var held map[string]runtime.ReleaseState
	resolve := func(r runtime.Release) (runtime.Release, error) {
		if len(r.EnvDigests) == 0 && len(r.SecretEnv) == 0 {
			return r, nil
		}
		if held == nil {
			held = map[string]runtime.ReleaseState{}
			if o, err := t.Target.Observe(ctx, d.Service); err == nil && o.Releases != nil {
				held = o.Releases
			}
		}
		if _, ok := held[r.ID]; ok {
			r.EnvDigests, r.SecretEnv = nil, nil
			return r, nil
		}
		return t.resolver.Resolve(ctx, r)
	}
	for _, r := range []**runtime.Release{&d.Stable, &d.Canary} {
		if *r == nil {
			continue
		}
		rr, err := resolve(**r)
		if err != nil {
			return err
		}
		*r = &rr
	}
	standby := make([]runtime.Release, len(d.Standby))
	for i, r := range d.Standby {
		rr, err := resolve(r)
		if err != nil {
			return err
		}
		standby[i] = rr
	}
	d.Standby = standby
	return t.Target.Apply(ctx, d)
}

// samplingEnvTarget keeps the runtime's FailureSampler visible through the
// wrapper (the driver type-asserts it for remediation evidence).
type samplingEnvTarget struct {
	envTarget
	runtime.FailureSampler
}

// WithResolvedEnv wraps t so every release it is given runs with its
// environment resolved by r.
func WithResolvedEnv(t runtime.Target, r *EnvResolver) runtime.Target {
	et := envTarget{Target: t, resolver: r}
	if fs, ok := t.(runtime.FailureSampler); ok {
		return samplingEnvTarget{et, fs}
	}
	return et
}
