package gate

// Facts is everything a gate expression may look at, one CEL variable per
// field (the names are the json tags): build, lock, sbom, base, findings,
// vulns, tests and provenance.
type Facts struct {
	Build    Build           `json:"build"`
	Lock     Lock            `json:"lock"`
	SBOM     SBOM            `json:"sbom"`
	Base     Base            `json:"base"`
	Findings []Finding       `json:"findings"`
	Vulns    []Vuln          `json:"vulns"`
	Tests    map[string]Test `json:"tests"`
	// Provenance is the image's SLSA provenance statement as plain JSON
	// values (an empty map when the image has none).
	Provenance map[string]any `json:"provenance"`
}

// Build is the image's build info (attest.BuildInfo, as built into it).
type Build struct {
	Service        string `json:"service"`
	Version        string `json:"version"`
	GitCommit      string `json:"gitCommit"`
	GitDirty       bool   `json:"gitDirty"`
	GitSource      string `json:"gitSource"`
	LockHash       string `json:"lockHash"`
	LockFormat     string `json:"lockFormat"`
	PythonVersion  string `json:"pythonVersion"`
	BaseImage      string `json:"baseImage"`
	BaseDigest     string `json:"baseDigest"`
	ImageDigest    string `json:"imageDigest"`
	ImageRef       string `json:"imageRef"`
	BuilderVersion string `json:"builderVersion"`
	CIProvider     string `json:"ciProvider"`
	CIRunID        string `json:"ciRunId"`
	CIRunURL       string `json:"ciRunUrl"`
	Reproducible   bool   `json:"reproducible"`
	// SourceBuilds names the packages installed from wheels built from source.
	SourceBuilds []string `json:"sourceBuilds"`
}

// Lock is the project's lock as gates see it.
type Lock struct {
	Format         string    `json:"format"`
	Path           string    `json:"path"`
	Hash           string    `json:"hash"` // lock.Hash: compare with build.lockHash
	RequiresPython string    `json:"requiresPython"`
	Packages       []Package `json:"packages"`
}

// Package is one locked package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Hashes are "ALG:HEX" of every artifact the lock records.
	Hashes []string `json:"hashes"`
	// Source is where it comes from: registry, git, path, directory,
	// editable, url or virtual; URL the index, repository or archive.
	Source  string   `json:"source"`
	URL     string   `json:"url"`
	Markers string   `json:"markers"`
	Direct  bool     `json:"direct"`
	Groups  []string `json:"groups"`
}

// SBOM is the image's CycloneDX SBOM.
type SBOM struct {
	Present    bool        `json:"present"`
	Components []Component `json:"components"`
}

// Component is one SBOM component.
type Component struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Type    string   `json:"type"`
	PURL    string   `json:"purl"`
	Hashes  []string `json:"hashes"`
}

// Base is the image's operating-system packages.
type Base struct {
	Packages []BasePackage `json:"packages"`
}

// BasePackage is one Debian package of the image.
type BasePackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch"`
	Source  string `json:"source"`
}

// Finding is one `pinwheel check` finding (check.Finding).
type Finding struct {
	RuleID     string `json:"ruleId"`
	Severity   string `json:"severity"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Message    string `json:"message"`
	Suppressed bool   `json:"suppressed"`
}

// Vuln is one known vulnerability of a package in the image; the shape a
// scanner (internal/vuln) fills. Severity is CRITICAL, HIGH, MEDIUM, LOW
// or UNKNOWN.
type Vuln struct {
	ID       string   `json:"id"`
	Package  string   `json:"package"`
	Version  string   `json:"version"`
	Severity string   `json:"severity"`
	Aliases  []string `json:"aliases"`
	Fixed    []string `json:"fixed"`
}

// Test is the result of a run: gate, under tests[NAME] for the expr: gates
// that follow it.
type Test struct {
	Name     string `json:"name"`
	Passed   bool   `json:"passed"`
	ExitCode int    `json:"exitCode"`
	TimedOut bool   `json:"timedOut"`
	Output   string `json:"output"` // the tail of stdout and stderr
}
