package lock

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// ErrNoLockfile is returned by Detect when a directory holds no known lockfile.
var ErrNoLockfile = errors.New("no lockfile found")

// FormatOf guesses a lockfile's format from its file name.
func FormatOf(path string) (Format, bool) {
	base := filepath.Base(path)
	switch {
	case base == "uv.lock" || isScriptLock(base):
		return FormatUV, true
	case base == "poetry.lock":
		return FormatPoetry, true
	case base == "Pipfile.lock":
		return FormatPipfile, true
	case base == "pdm.lock":
		return FormatPDM, true
	case base == "pylock.toml" || (strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml")):
		return FormatPylock, true
	case strings.HasSuffix(base, ".txt") || base == "requirements.lock":
		return FormatRequirements, true
	}
	return "", false
}

// ParseFile reads and parses the lockfile at path, choosing the parser from
// its file name. Input problems are *inputerr.Error values with file:line:col.
func ParseFile(path string, opts ...ParseOption) (*Lock, error) {
	format, ok := FormatOf(path)
	if !ok {
		return nil, &inputerr.Error{Path: path, Msg: "not a known lockfile name (want uv.lock, poetry.lock, Pipfile.lock, pdm.lock, pylock.toml, pylock.*.toml, a script's SCRIPT.py.lock or a requirements *.txt)"}
	}
	return ParseFileAs(path, format, opts...)
}

// ParseFileAs parses path as the given format. When a manifest
// (pyproject.toml, Pipfile) sits next to the lock, Declared is filled from
// it and the declared packages are marked Direct.
func ParseFileAs(path string, format Format, opts ...ParseOption) (*Lock, error) {
	l, err := parseFileAs(path, format, opts)
	if err != nil {
		return nil, err
	}
	if err := attachManifest(l); err != nil {
		return nil, err
	}
	return l, nil
}

func parseFileAs(path string, format Format, opts []ParseOption) (*Lock, error) {
	if format == FormatRequirements {
		l, err := parseRequirementsFile(path, newParseConfig(opts).rootFor(path))
		if err != nil {
			return nil, err
		}
		return finish(l, path, format), nil
	}
	data, err := readInput(filepath.Dir(path), path)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "cannot read lockfile", Err: err}
	}
	return Parse(path, format, data, opts...)
}

// Parse parses data (the contents of path) as the given format.
func Parse(path string, format Format, data []byte, opts ...ParseOption) (*Lock, error) {
	var (
		l   *Lock
		err error
	)
	switch format {
	case FormatUV:
		l, err = parseUV(path, data)
	case FormatPoetry:
		l, err = parsePoetry(path, data)
	case FormatPipfile:
		l, err = parsePipfileLock(path, data)
	case FormatPDM:
		l, err = parsePDM(path, data)
	case FormatPylock:
		l, err = parsePylock(path, data)
	case FormatRequirements:
		l, err = parseRequirements(path, data, newParseConfig(opts).rootFor(path))
	default:
		return nil, fmt.Errorf("unknown lock format %q", format)
	}
	if err != nil {
		return nil, err
	}
	return finish(l, path, format), nil
}

func finish(l *Lock, path string, format Format) *Lock {
	l.Path = path
	l.Format = format
	if len(l.Files) == 0 {
		l.Files = []string{path}
	}
	sortPackages(l.Packages)
	if l.Packages == nil {
		l.Packages = []Package{} // "packages": [] in JSON, never null
	}
	return l
}
