package wheel

import (
	"encoding/json"
	"log/slog"
	"time"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// DefaultModTime is the modification time given to every installed file and
// directory: 1980-01-01T00:00:00Z, the earliest time a zip can hold.
var DefaultModTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

type installConfig struct {
	pythonVersion string
	installer     string
	requested     bool
	directURL     []byte
	modTime       time.Time
	filename      string
	logger        *slog.Logger
	limits        safefs.Limits
}

// InstallOption configures Install.
type InstallOption func(*installConfig)

// WithInstaller sets the INSTALLER file's content (default "pinwheel").
func WithInstaller(name string) InstallOption { return func(c *installConfig) { c.installer = name } }

// WithRequested writes REQUESTED: the user asked for this distribution
// directly rather than as a dependency.
func WithRequested(requested bool) InstallOption {
	return func(c *installConfig) { c.requested = requested }
}

// WithDirectURL writes direct_url.json for a distribution installed from a
// direct URL reference (archive URL plus its sha256).
func WithDirectURL(url, sha256hex string) InstallOption {
	return func(c *installConfig) {
		doc := map[string]any{"url": url, "archive_info": map[string]any{}}
		if sha256hex != "" {
			doc["archive_info"] = map[string]any{"hashes": map[string]string{"sha256": sha256hex}}
		}
		c.directURL, _ = json.Marshal(doc)
	}
}

// WithModTime sets the time stamped on installed files (default DefaultModTime).
func WithModTime(t time.Time) InstallOption { return func(c *installConfig) { c.modTime = t } }

// WithFilename names the wheel's file name when wheelPath does not end in
// it (e.g. a content-addressed cache file); the name and version in it must
// match the wheel's .dist-info.
func WithFilename(name string) InstallOption { return func(c *installConfig) { c.filename = name } }

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) InstallOption { return func(c *installConfig) { c.logger = l } }

// WithPythonVersion refuses wheels whose Requires-Python excludes the
// target interpreter's version ("3.11" or "3.11.7").
func WithPythonVersion(v string) InstallOption { return func(c *installConfig) { c.pythonVersion = v } }

// WithLimits bounds the wheel's total uncompressed size, compression ratio
// and entry count (default safefs.DefaultLimits): a wheel over them is
// refused from its zip directory, before anything is inflated or written.
func WithLimits(l safefs.Limits) InstallOption { return func(c *installConfig) { c.limits = l } }
