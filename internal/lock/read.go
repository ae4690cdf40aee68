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
// the root is the working directory when the lockfile lies inside it, else
// the lockfile's own directory. Nothing outside the root is read, whatever
// the lock says.
func WithRoot(dir string) ParseOption { return func(c *parseConfig) { c.root = dir } }

func newParseConfig(opts []ParseOption) parseConfig {
	var c parseConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// rootFor is the directory files named from path may be read from: the
// WithRoot directory, else the working directory when path lies inside it
// (pinwheel runs from the project's top in CI), else path's own directory.
func (c parseConfig) rootFor(path string) string {
	if c.root != "" {
		return c.root
	}
	if wd, err := os.Getwd(); err == nil {
		if _, err := safefs.Within(wd, path); err == nil {
			return wd
		}
	}
	return filepath.Dir(path)
}

// readInput reads a file the lock is made of (the lockfile, a manifest
// beside it, an include) through safefs: a regular file inside root,
// reached by no link out of it, at most safefs.DefaultMaxRead bytes. A
// device, FIFO or /proc file is refused before anything is read.
func readInput(root, path string) ([]byte, error) {
	return safefs.ReadFile(context.Background(), root, path, 0)
}
