package attest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/lock"
)

// Subject names what an SBOM describes: a project (from its lock) or the
// image built from it. Every field is optional; an empty Name falls back to
// the lock's own project package (uv records it) or the lock's directory.
type Subject struct {
	Name    string // service or project name
	Version string // release version
	// ImageRef is the image repository the subject was pushed to
	// ("registry.example/team/svc", a tag is dropped). Only used with ImageDigest.
	ImageRef string
	// ImageDigest ("sha256:…") makes the subject a container image: the root
	// component becomes type container with a pkg:oci purl.
	ImageDigest string
}

// SBOMOption adjusts how CycloneDX and SPDX render a document.
type SBOMOption func(*sbomConfig)

type sbomConfig struct {
	created     time.Time // zero: omitted (CycloneDX) or the Unix epoch (SPDX)
	toolName    string
	toolVersion string
	selection   *lock.Selection
	osPackages  []OSPackage
}

// WithCreated stamps the document with t (UTC, second precision). Without it
// CycloneDX output carries no timestamp and SPDX output (where "created" is
// mandatory) carries 1970-01-01T00:00:00Z, so output depends on input alone.
// Pass the time from ParseSourceDateEpoch to honour SOURCE_DATE_EPOCH.
func WithCreated(t time.Time) SBOMOption {
	return func(c *sbomConfig) { c.created = t.UTC().Truncate(time.Second) }
}

// WithTool names the tool recorded as the document's creator (default
// "pinwheel" with no version, so output does not change between builds of
// pinwheel unless the caller asks for it).
func WithTool(name, version string) SBOMOption {
	return func(c *sbomConfig) { c.toolName, c.toolVersion = name, version }
}

// WithSelection lists only the packages sel selects (lock.Select): the
// SBOM of what a build installs. Without it every locked package is
// listed, those outside the lock's production set with scope excluded (or
// optional, when an extra would install them).
func WithSelection(sel *lock.Selection) SBOMOption {
	return func(c *sbomConfig) { c.selection = sel }
}

func newSBOMConfig(opts []SBOMOption) sbomConfig {
	c := sbomConfig{toolName: "pinwheel"}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// ParseSourceDateEpoch interprets a SOURCE_DATE_EPOCH value (decimal seconds
// since the Unix epoch, see reproducible-builds.org/specs/source-date-epoch).
// It reports ok=false for an empty value and an error for a malformed one.
func ParseSourceDateEpoch(value string) (t time.Time, ok bool, err error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, false, nil
	}
	secs, err := strconv.ParseInt(value, 10, 64)
	if err != nil || secs < 0 || secs > 253402300799 { // 9999-12-31T23:59:59Z
		return time.Time{}, false, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want a non-negative integer count of seconds since 1970-01-01T00:00:00Z", value)
	}
	return time.Unix(secs, 0).UTC(), true, nil
}
