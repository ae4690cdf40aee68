package wheel

import (
	"fmt"
	"path/filepath"
)

// Scheme is where a wheel's parts go: absolute directories in a staging
// tree, plus the interpreter path (as it will be inside the image) for
// script shebangs.
type Scheme struct {
	Purelib     string
	Platlib     string
	Scripts     string
	Data        string
	Headers     string // headers go here directly (callers add the project name if they want pip's layout)
	Interpreter string // e.g. /usr/local/bin/python3.11
}

// PosixScheme is CPython's posix_prefix scheme for prefix (e.g. /usr/local)
// and pythonVersion ("3.11"), rooted at root (a staging directory):
// root/usr/local/lib/python3.11/site-packages, root/usr/local/bin, ...
// The interpreter is prefix/bin/python<version>.
func PosixScheme(root, prefix, pythonVersion string) Scheme {
	p := filepath.Join(root, prefix)
	site := filepath.Join(p, "lib", "python"+pythonVersion, "site-packages")
	return Scheme{
		Purelib:     site,
		Platlib:     site,
		Scripts:     filepath.Join(p, "bin"),
		Data:        p,
		Headers:     filepath.Join(p, "include", "python"+pythonVersion),
		Interpreter: filepath.Join(prefix, "bin", "python"+pythonVersion),
	}
}

func (s Scheme) validate() error {
	for name, dir := range map[string]string{"Purelib": s.Purelib, "Platlib": s.Platlib, "Scripts": s.Scripts, "Data": s.Data, "Headers": s.Headers} {
		if dir == "" || !filepath.IsAbs(dir) {
			return fmt.Errorf("scheme %s must be an absolute directory, got %q", name, dir)
		}
	}
	if s.Interpreter == "" {
		return fmt.Errorf("scheme Interpreter is empty")
	}
	return nil
}

// dir returns the directory for a .data/ subdirectory key.
func (s Scheme) dir(key string) (string, bool) {
	switch key {
	case "purelib":
		return s.Purelib, true
	case "platlib":
		return s.Platlib, true
	case "scripts":
		return s.Scripts, true
	case "data":
		return s.Data, true
	case "headers":
		return s.Headers, true
	}
	return "", false
}
