// Package attest owns what pinwheel says about a build: the BuildInfo record
// that travels with every release (image labels, pod annotations, logs,
// webhooks, the ledger), SLSA v1 provenance as in-toto statements, and SBOMs
// (CycloneDX, SPDX). It does not build or push anything.
package attest

import "time"

// BuildInfo is the build metadata that travels with a release everywhere it
// goes. Every field is optional except Service; zero values are omitted.
type BuildInfo struct {
	Service   string `json:"service"`
	Version   string `json:"version,omitempty"`   // release version (git describe, tag or config)
	GitCommit string `json:"gitCommit,omitempty"` // full SHA
	GitDirty  bool   `json:"gitDirty,omitempty"`
	GitSource string `json:"gitSource,omitempty"` // repository URL
	// GitCommitTime is the commit's committer time (the start of the
	// change lead time the scorecard measures).
	GitCommitTime  time.Time `json:"gitCommitTime,omitzero"`
	LockHash       string    `json:"lockHash,omitempty"` // lock.Hash of the resolved set ("sha256:...")
	LockFormat     string    `json:"lockFormat,omitempty"`
	PythonVersion  string    `json:"pythonVersion,omitempty"`
	BaseImage      string    `json:"baseImage,omitempty"`  // reference as configured
	BaseDigest     string    `json:"baseDigest,omitempty"` // sha256:...
	ImageDigest    string    `json:"imageDigest,omitempty"`
	ImageRef       string    `json:"imageRef,omitempty"`
	BuilderVersion string    `json:"builderVersion,omitempty"`
	CIProvider     string    `json:"ciProvider,omitempty"`
	CIRunID        string    `json:"ciRunId,omitempty"`
	CIRunURL       string    `json:"ciRunUrl,omitempty"`
	// Reproducible is false when the build used unhashed inputs (--allow-unhashed).
	Reproducible bool      `json:"reproducible"`
	StartedAt    time.Time `json:"startedAt,omitzero"`
	FinishedAt   time.Time `json:"finishedAt,omitzero"`
	DurationMS   int64     `json:"durationMs,omitempty"`
	CacheHits    int       `json:"cacheHits,omitempty"`
	CacheMisses  int       `json:"cacheMisses,omitempty"`
	// Cache breaks this run's cache use down by kind.
	Cache *CacheStats `json:"cache,omitempty"`
	// SourceBuilds are the packages installed from a wheel pinwheel built
	// from source (the lock allows no wheel for the target).
	SourceBuilds []SourceBuild `json:"sourceBuilds,omitempty"`
}

// CacheStats counts what one build run found in pinwheel's caches, by
// kind: wheel files (the wheel cache), .deb files (the .deb cache) and
// the layers pinwheel builds (the Debian base's two, the dependencies
// layer). A cached layer means its wheels or .debs were not looked at.
type CacheStats struct {
	Wheels CacheCount `json:"wheels"`
	Debs   CacheCount `json:"debs"`
	Layers CacheCount `json:"layers"`
}

// CacheCount is hits and misses of one cache.
type CacheCount struct {
	Hits   int `json:"hits"`
	Misses int `json:"misses"`
}

// SourceBuild records a package installed from a wheel built from its
// source distribution, named by file and hash (the build's own facts —
// wheel hash, backend, requirements — are in the build result).
type SourceBuild struct {
	Package      string `json:"package"`
	Version      string `json:"version"`
	Source       string `json:"source"` // the sdist's file name
	SourceSHA256 string `json:"sourceSha256"`
}

// Annotation keys under which BuildInfo travels on images and pods.
const (
	KeyService       = "dev.pinwheel.service"
	KeyLockHash      = "dev.pinwheel.lock-hash"
	KeyPythonVersion = "dev.pinwheel.python-version"
	KeyBaseDigest    = "dev.pinwheel.base-digest"
	KeyImageDigest   = "dev.pinwheel.image-digest"
	KeyGitCommit     = "dev.pinwheel.git-commit"
	KeyCIRunID       = "dev.pinwheel.ci-run-id"
	KeyBuilder       = "dev.pinwheel.builder"
	KeyReproducible  = "dev.pinwheel.reproducible"
)

// Annotations returns the BuildInfo fields as key/value pairs for image
// labels and pod annotations; empty fields are left out.
func (b BuildInfo) Annotations() map[string]string {
	m := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set(KeyService, b.Service)
	set(KeyLockHash, b.LockHash)
	set(KeyPythonVersion, b.PythonVersion)
	set(KeyBaseDigest, b.BaseDigest)
	set(KeyImageDigest, b.ImageDigest)
	set(KeyGitCommit, b.GitCommit)
	set(KeyCIRunID, b.CIRunID)
	set(KeyBuilder, b.BuilderVersion)
	if b.Reproducible {
		m[KeyReproducible] = "true"
	} else {
		m[KeyReproducible] = "false"
	}
	return m
}
