package sdisttest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DebianWheels is where Debian's python3-setuptools-whl and
// python3-wheel-whl put the setuptools backend's wheels.
const DebianWheels = "/usr/share/python-wheels"

// ErrNoBackendWheels says Debian's setuptools or wheel wheel is missing.
var ErrNoBackendWheels = errors.New("no setuptools or wheel wheel in " + DebianWheels + " (apt-get install python3-setuptools-whl python3-wheel-whl)")

// AddSdistDependency turns a copy of examples/hello in dir into a service
// with one more dependency, tinyfmt 1.0, that its pylock.toml has only as
// an sdist (in dir/wheelhouse, pinned by sha256), and writes
// dir/build-requirements.txt locking Debian's setuptools and wheel wheels
// (copied into the wheelhouse). It returns the sdist's sha256.
func AddSdistDependency(dir string) (string, error) {
	wh := filepath.Join(dir, "wheelhouse")
	sdist, err := Write(wh, "tinyfmt", "1.0", map[string]string{
		"pyproject.toml": Pyproject("tinyfmt", "1.0", []string{"tinyfmt"}, ""),
		"tinyfmt.py":     "def shout(s):\n    return s.upper() + '!'\n",
	})
	if err != nil {
		return "", err
	}
	sum, err := fileSum(sdist)
	if err != nil {
		return "", err
	}
	if err := AppendPylockSdist(filepath.Join(dir, "pylock.toml"), "tinyfmt", "1.0", sum); err != nil {
		return "", err
	}
	var req strings.Builder
	for _, pat := range []string{"setuptools-*.whl", "wheel-*.whl"} {
		m, _ := filepath.Glob(filepath.Join(DebianWheels, pat))
		if len(m) != 1 {
			return "", ErrNoBackendWheels
		}
		b, err := os.ReadFile(m[0])
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(wh, filepath.Base(m[0])), b, 0o644); err != nil {
			return "", err
		}
		h := sha256.Sum256(b)
		name, version, _ := strings.Cut(strings.TrimSuffix(filepath.Base(m[0]), "-py3-none-any.whl"), "-")
		fmt.Fprintf(&req, "%s==%s \\\n    --hash=sha256:%s\n", name, version, hex.EncodeToString(h[:]))
	}
	return sum, os.WriteFile(filepath.Join(dir, "build-requirements.txt"), []byte(req.String()), 0o644)
}

// AppendPylockSdist adds name==version to the pylock.toml at p with only
// an sdist, wheelhouse/NAME-VERSION.tar.gz, pinned by sha256.
func AppendPylockSdist(p, name, version, sha256hex string) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	b = fmt.Appendf(b, "\n[[packages]]\nname = %q\nversion = %q\n\n[packages.sdist]\nname = \"%s-%s.tar.gz\"\npath = \"wheelhouse/%s-%s.tar.gz\"\nhashes = {sha256 = %q}\n",
		name, version, name, version, name, version, sha256hex)
	return os.WriteFile(p, b, 0o644)
}

func fileSum(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}
