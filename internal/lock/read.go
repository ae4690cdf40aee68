package lock

import (
	"context"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// ParseOption configures ParseFile, ParseFileAs and Parse.
type ParseOption func(*parseConfig)

type parseConfig struct{ root string }

// WithRoot confines requirements includes (-r, -c) and local project
// paths to regular files inside dir (the project directory). Without it
// the root is the nearest directory above the lockfile holding
// pinwheel.yaml or .git, else the lockfile's own directory. Nothing outside
// the root is read, whatever the lock says.
func WithRoot(dir string) ParseOption { return func(c *parseConfig) { c.root = dir } }

func newParseConfig(opts []ParseOption) parseConfig {
	var c parseConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// rootFor is the directory files named from path may be read from: the
// WithRoot directory, else the project path is in.
func (c parseConfig) rootFor(path string) string {
	if c.root != "" {
		return c.root
	}
	return projectRoot(path)
}

// projectMarkers name a project's top directory: pinwheel's config or a
// repository root.
var projectMarkers = []string{"pinwheel.yaml", ".git"}

// projectRoot is the nearest directory at or above path's own that holds a
// project marker, else path's own directory. It depends on the files, not
// on where pinwheel runs from.
func projectRoot(path string) string {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return filepath.Dir(path)
	}
	for d := dir; ; d = filepath.Dir(d) {
		for _, m := range projectMarkers {
			if _, err := os.Lstat(filepath.Join(d, m)); err == nil {
				return d
			}
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

// readInput reads a file the lock is made of (the lockfile, a manifest
// beside it, an include) through safefs: a regular file inside root,
// reached by no link out of it, at most safefs.DefaultMaxRead bytes. A
// device, FIFO or /proc file is refused before anything is read.
func readInput(root, path string) ([]byte, error) {
	return safefs.ReadFile(context.Background(), root, path, 0)
}
