package config

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

var (
	serviceRe  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	pythonRe   = regexp.MustCompile(`^3\.[0-9]{1,2}$`)
	envKeyRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	userRe     = regexp.MustCompile(`^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$|^[0-9]+(:[0-9]+)?$`)
	platformRe = regexp.MustCompile(`^linux/(amd64|arm64|arm|386|ppc64le|s390x|riscv64)(/v[0-9]+)?$`)
)

// Validate checks the configuration and returns every problem found, each an
// *inputerr.Error at the offending key (joined with errors.Join).
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) { errs = append(errs, c.errAt(key, format, args...)) }

	if c.Service == "" {
		bad("service", "required: the service name (lowercase letters, digits and '-')")
	} else if !serviceRe.MatchString(c.Service) {
		bad("service", "%q is not a valid name (want lowercase letters, digits and '-', at most 63, e.g. \"checkout-api\")", c.Service)
	}
	if !pythonRe.MatchString(c.Python) {
		bad("python", "%q is not a Python version (want MAJOR.MINOR, e.g. \"3.11\")", c.Python)
	}
	if c.Debian != nil {
		c.validateDebian(bad)
	} else if c.Base == "" {
		bad("base", "required: a base image pinned by digest, e.g. python:%s-slim@sha256:<64 hex>, or oci:PATH / tar:PATH", c.Python)
	} else if _, err := ParseBase(c.Base); err != nil {
		bad("base", "%v", err)
	}
	if c.Interpreter != "" && !path.IsAbs(c.Interpreter) {
		bad("interpreter", "%q must be an absolute path in the image", c.Interpreter)
	}
	if c.Lockfile != "" && !localPath(c.Lockfile) {
		bad("lockfile", "%q must be a relative path inside the project", c.Lockfile)
	}
	for _, g := range append(append([]string{}, c.App.Include...), c.App.Exclude...) {
		if !doublestar.ValidatePattern(g) || strings.HasPrefix(g, "/") || strings.Contains(g, "..") {
			bad("app", "%q is not a valid relative glob (doublestar syntax: *, **, ?, [ab], {a,b})", g)
		}
	}
	if c.App.Dest != c.Workdir && !path.IsAbs(c.App.Dest) {
		bad("app.dest", "%q must be an absolute path in the image", c.App.Dest)
	}
	if len(c.Entrypoint) == 0 && len(c.Cmd) == 0 {
		bad("entrypoint", "required: entrypoint and/or cmd in exec form, e.g. [\"python\", \"-m\", \"app\"]")
	}
	for _, k := range sortedKeys(c.Env) {
		if !envKeyRe.MatchString(k) {
			bad("env", "%q is not a valid environment variable name", k)
		}
	}
	c.validateSecretEnv(bad)
	if !path.IsAbs(c.Workdir) {
		bad("workdir", "%q must be an absolute path", c.Workdir)
	}
	if !userRe.MatchString(c.User) {
		bad("user", "%q is not a user (want a name or uid, optionally :group, e.g. 65532 or app:app)", c.User)
	}
	if c.Port < 0 || c.Port > 65535 {
		bad("port", "%d is out of range (want 1-65535, or leave it out)", c.Port)
	}
	if len(c.Platforms) == 0 {
		bad("platforms", "at least one platform is required, e.g. linux/amd64")
	}
	seen := map[string]bool{}
	for _, p := range c.Platforms {
		if !platformRe.MatchString(p) {
			bad("platforms", "%q is not a platform (want linux/ARCH[/VARIANT], e.g. linux/amd64, linux/arm64)", p)
		}
		if seen[p] {
			bad("platforms", "%q is listed twice", p)
		}
		seen[p] = true
	}
	for _, k := range sortedKeys(c.Labels) {
		if k == "" || strings.ContainsAny(k, " \t\n") {
			bad("labels", "%q is not a valid label key", k)
		}
	}
	c.validateSigning(bad)
	return errors.Join(errs...)
}

func localPath(p string) bool {
	clean := path.Clean(strings.ReplaceAll(p, "\\", "/"))
	return !path.IsAbs(clean) && clean != ".." && !strings.HasPrefix(clean, "../")
}

// BaseKind says where a base image comes from.
type BaseKind string

// Base kinds.
const (
	BaseRegistry BaseKind = "registry"
	BaseLayout   BaseKind = "oci"
	BaseTarball  BaseKind = "tar"
	// BaseDebian is a base assembled from base.debian's lock; Path is the lock.
	BaseDebian BaseKind = "debian"
)

// BaseRef is a parsed `base:` value.
type BaseRef struct {
	Kind BaseKind
	// Ref is the registry reference (registry kind), Path the local path.
	Ref, Path string
	// Digest pins the base ("sha256:…"); required for registry bases,
	// optional for a layout (it selects the manifest), unused for tarballs.
	Digest string
}

const placeholderDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

var digestRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ParseBase parses a base image value: REF@sha256:…, oci:PATH[@sha256:…] or tar:PATH.
func ParseBase(s string) (BaseRef, error) {
	switch {
	case strings.HasPrefix(s, "oci:"):
		p, d := splitDigest(strings.TrimPrefix(s, "oci:"))
		if p == "" {
			return BaseRef{}, fmt.Errorf("%q: oci: needs a path to an OCI image layout", s)
		}
		if (d != "" || strings.HasSuffix(s, "@")) && !digestRe.MatchString(d) {
			return BaseRef{}, fmt.Errorf("%q: digest must be sha256: and 64 lowercase hex digits", s)
		}
		return BaseRef{Kind: BaseLayout, Path: p, Digest: d}, nil
	case strings.HasPrefix(s, "tar:"):
		p := strings.TrimPrefix(s, "tar:")
		if p == "" {
			return BaseRef{}, fmt.Errorf("%q: tar: needs a path to an image tarball", s)
		}
		return BaseRef{Kind: BaseTarball, Path: p}, nil
	}
	ref, d := splitDigest(s)
	if d == "" {
		return BaseRef{}, fmt.Errorf("%q is not pinned by digest (want e.g. python:3.11-slim@sha256:<64 hex>; find it with `crane digest python:3.11-slim`)", s)
	}
	if !digestRe.MatchString(d) {
		return BaseRef{}, fmt.Errorf("%q: digest must be sha256: and 64 lowercase hex digits", s)
	}
	if d == placeholderDigest {
		return BaseRef{}, fmt.Errorf("%q has the placeholder digest `pinwheel init` writes; replace it with the real one (`crane digest %s`)", s, ref)
	}
	if ref == "" || strings.ContainsAny(ref, " \t") {
		return BaseRef{}, fmt.Errorf("%q: missing image name before @", s)
	}
	return BaseRef{Kind: BaseRegistry, Ref: ref, Digest: d}, nil
}

func splitDigest(s string) (string, string) {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// String renders the base back into config syntax.
func (b BaseRef) String() string {
	switch b.Kind {
	case BaseLayout:
		if b.Digest != "" {
			return "oci:" + b.Path + "@" + b.Digest
		}
		return "oci:" + b.Path
	case BaseTarball:
		return "tar:" + b.Path
	case BaseDebian:
		return "debian:" + b.Path
	}
	return b.Ref + "@" + b.Digest
}

// UID returns the numeric user id when User is numeric, else -1.
func (c *Config) UID() int {
	u, _, _ := strings.Cut(c.User, ":")
	n, err := strconv.Atoi(u)
	if err != nil {
		return -1
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
