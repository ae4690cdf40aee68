package config

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// dockerIgnore is the project's .dockerignore, nil when it has none.
type dockerIgnore struct {
	m *patternmatcher.PatternMatcher
}

// dockerIgnore compiles dir/.dockerignore with Docker's own matcher.
func (c *Config) dockerIgnore() (dockerIgnore, error) {
	path := filepath.Join(c.Dir, DockerIgnoreFile)
	data, err := safefs.ReadFile(context.Background(), c.Dir, path, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return dockerIgnore{}, nil
	case safefs.Refused(err):
		return dockerIgnore{}, &inputerr.Error{Path: path, Msg: "cannot read", Err: err}
	case err != nil:
		return dockerIgnore{}, err
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err == nil {
		var m *patternmatcher.PatternMatcher
		if m, err = patternmatcher.New(patterns); err == nil {
			return dockerIgnore{m}, nil
		}
	}
	return dockerIgnore{}, &inputerr.Error{Path: path, Msg: "invalid pattern", Err: err}
}

// excludes reports whether the file rel (slash path) is excluded.
func (d dockerIgnore) excludes(rel string) bool {
	if d.m == nil {
		return false
	}
	ok, _ := d.m.MatchesOrParentMatches(rel)
	return ok
}

// excludesDir reports whether the whole directory rel can be skipped: it is
// excluded and no exception (!pattern) could bring a file in it back.
func (d dockerIgnore) excludesDir(rel string) bool {
	return d.excludes(rel) && !d.m.Exclusions()
}

// isSecretFile reports whether the project file at abs (rel inside the
// project root) is secret-shaped, reading the head of key files (confined
// to root) to decide.
func isSecretFile(root, abs, rel string) bool {
	if _, ok := secrets.File(rel, nil); ok {
		return true
	}
	if !secrets.NeedsHead(rel) {
		return false
	}
	f, err := safefs.Open(root, abs)
	if err != nil {
		return false
	}
	defer f.Close()
	head, _ := io.ReadAll(io.LimitReader(f, secrets.HeadSize))
	_, ok := secrets.File(rel, head)
	return ok
}
