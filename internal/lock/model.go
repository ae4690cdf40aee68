// Package lock owns pinwheel's model of a Python project's resolved
// dependency state: one Lock value, whatever lockfile format it was read
// from (uv.lock, poetry.lock, Pipfile.lock, pdm.lock, PEP 751 pylock.toml,
// pip-compile requirements). It parses each format exactly, reads the
// manifest beside the lock (pyproject.toml, Pipfile, requirements.in) for
// what the project declares, computes a canonical format-independent hash of
// the resolved set, selects the packages a service installs (Select: the
// lock's production set plus the groups and extras asked for), and diffs
// two locks.
// It does not download, install or judge anything: pyindex/wheel install what
// a Lock names, check judges it.
package lock

// Format names a lockfile format.
type Format string

// Supported formats.
const (
	FormatUV           Format = "uv.lock"
	FormatPoetry       Format = "poetry.lock"
	FormatPipfile      Format = "Pipfile.lock"
	FormatPDM          Format = "pdm.lock"
	FormatPylock       Format = "pylock.toml"
	FormatRequirements Format = "requirements.txt"
)

// Lock is a parsed lockfile: the resolved set of packages a project installs.
type Lock struct {
	Format      Format `json:"format"`
	Path        string `json:"path"`                  // the file it was read from, as given
	LockVersion string `json:"lockVersion,omitempty"` // the format's own version field
	// RequiresPython is the Python constraint the lock was resolved for, when
	// recorded, as a PEP 440 specifier (poetry's ^ and ~ are translated).
	RequiresPython string `json:"requiresPython,omitempty"`
	// ContentHash is the lock's record of its input (poetry/pdm content-hash,
	// Pipfile.lock _meta.hash.sha256), when recorded.
	ContentHash string `json:"contentHash,omitempty"`
	// ResolutionMarkers are uv's resolution forks (or pylock environments).
	ResolutionMarkers []string `json:"resolutionMarkers,omitempty"`
	// Indexes are the package indexes the lock names (URL as written).
	Indexes []Index `json:"indexes,omitempty"`
	// Packages, sorted by Name then Version.
	Packages []Package `json:"packages"`
	// Declared are the project's direct requirements as found in the
	// manifest next to the lock (pyproject.toml, Pipfile), when found.
	Declared []Requirement `json:"declared,omitempty"`
	// Files are all files read to build this Lock (the lock plus includes).
	Files []string `json:"files,omitempty"`
	// Groups are the dependency groups the lock records besides the main
	// set (uv and PEP 735 dependency groups, poetry groups, pdm groups,
	// Pipfile categories), Extras the project's extras, and DefaultGroups
	// the groups installed in production without being asked for (PEP 751
	// default-groups). Select reads
	// them; pinwheel.yaml may name only groups and extras listed here.
	Groups        []string `json:"groups,omitempty"`
	Extras        []string `json:"extras,omitempty"`
	DefaultGroups []string `json:"defaultGroups,omitempty"`
	// ToolDefaultGroups are the groups the lock's tool installs by default
	// for development (uv's [tool.uv] default-groups, ["dev"] when unset),
	// which the production set leaves out unless pinwheel.yaml names them.
	ToolDefaultGroups []string `json:"toolDefaultGroups,omitempty"`
	// Members are a uv workspace's members ([manifest] members): each
	// member's name and source tree, relative to the lock.
	Members []Member `json:"members,omitempty"`
	// Options are installer options recorded in the lock that change what
	// gets installed (requirements files: --no-index, --trusted-host HOST,
	// --no-binary X, --only-binary X, --prefer-binary, --pre,
	// --require-hashes), long form, in file order.
	Options []string `json:"options,omitempty"`
}

// Member is one project of a workspace lock.
type Member struct {
	Name string `json:"name"` // PEP 503-normalised
	Path string `json:"path"` // its source tree, relative to the lock ("." for the root)
}

// Index is a named package index.
type Index struct {
	Name      string `json:"name,omitempty"`
	URL       string `json:"url"`
	VerifySSL *bool  `json:"verifySsl,omitempty"`
}

// Package is one resolved distribution.
type Package struct {
	Name    string `json:"name"`    // PEP 503-normalised
	Version string `json:"version"` // as locked (PEP 440); empty for unversioned path/git sources
	// Specifier is the version constraint as written when the entry is not
	// pinned to one version (a requirements line without "=="); Version is
	// then empty.
	Specifier string `json:"specifier,omitempty"`
	Source    Source `json:"source"`
	// Artifacts are the files that may be installed for this package
	// (several wheels for different platforms, an sdist, an archive).
	Artifacts []Artifact `json:"artifacts,omitempty"`
	// Marker is the PEP 508 environment marker under which the package is
	// installed at all; empty means always.
	Marker string `json:"marker,omitempty"`
	// Extras are the extras of this package that are enabled in the resolution.
	Extras []string `json:"extras,omitempty"`
	// Dependencies are the package's edges, when the format records them.
	Dependencies []Dependency `json:"dependencies,omitempty"`
	// Groups this package belongs to: "main", "dev", or optional-dependency /
	// dependency-group names. Empty when the format does not say.
	Groups []string `json:"groups,omitempty"`
	// Direct is true when the project's manifest declares this package itself.
	Direct bool `json:"direct"`
	// RequiresPython of this release, when recorded.
	RequiresPython string `json:"requiresPython,omitempty"`
	// Line is the 1-based line in the lockfile where this package's entry
	// starts (for findings); File is that file when it differs from Lock.Path
	// (requirements includes).
	Line int    `json:"line,omitempty"`
	File string `json:"file,omitempty"`
}

// SourceKind says where a package comes from.
type SourceKind string

// Source kinds.
const (
	SourceRegistry  SourceKind = "registry"  // a package index
	SourceGit       SourceKind = "git"       // a VCS checkout (git, hg, ...)
	SourcePath      SourceKind = "path"      // a local archive or wheel file
	SourceDirectory SourceKind = "directory" // a local source tree
	SourceEditable  SourceKind = "editable"  // a local source tree installed editable
	SourceURL       SourceKind = "url"       // a direct URL to an archive
	SourceVirtual   SourceKind = "virtual"   // uv's virtual (not installed) project
)

// Source is where a package's artifacts come from.
type Source struct {
	Kind SourceKind `json:"kind"`
	// URL is the index URL (registry), repository URL (git) or archive URL (url).
	URL string `json:"url,omitempty"`
	// Path is the local path (path, directory, editable), relative to the lock.
	Path string `json:"path,omitempty"`
	// VCS is the version-control system for git-kind sources ("git", "hg", ...).
	VCS string `json:"vcs,omitempty"`
	// Ref is the requested revision (branch, tag) for VCS sources.
	Ref string `json:"ref,omitempty"`
	// Commit is the resolved commit id for VCS sources.
	Commit       string `json:"commit,omitempty"`
	Subdirectory string `json:"subdirectory,omitempty"`
}

// ArtifactKind classifies an artifact.
type ArtifactKind string

// Artifact kinds.
const (
	ArtifactWheel   ArtifactKind = "wheel"
	ArtifactSdist   ArtifactKind = "sdist"
	ArtifactArchive ArtifactKind = "archive" // a direct-URL or path archive
	// ArtifactUnknown is a hash recorded without the file it belongs to
	// (Pipfile.lock "hashes", requirements "--hash"): one per hash.
	ArtifactUnknown ArtifactKind = "unknown"
)

// Artifact is one installable file of a package.
type Artifact struct {
	Kind ArtifactKind `json:"kind"`
	Name string       `json:"name,omitempty"` // file name, e.g. requests-2.32.3-py3-none-any.whl
	URL  string       `json:"url,omitempty"`
	Path string       `json:"path,omitempty"`
	Size int64        `json:"size,omitempty"`
	// Hashes maps a hashlib algorithm name ("sha256", ...) to lowercase hex.
	Hashes map[string]string `json:"hashes,omitempty"`
}

// Dependency is an edge from a package to another.
type Dependency struct {
	Name    string `json:"name"`              // PEP 503-normalised
	Version string `json:"version,omitempty"` // the locked version the edge resolves to
	// Specifier is the edge's version constraint as written (poetry, pdm),
	// when the format records one.
	Specifier string   `json:"specifier,omitempty"`
	Extras    []string `json:"extras,omitempty"`
	Marker    string   `json:"marker,omitempty"`
}

// Requirement is a direct dependency declared in a project manifest.
type Requirement struct {
	Name string `json:"name"` // PEP 503-normalised
	// Specifier is a PEP 440 specifier; poetry constraints are translated
	// (^2.32 → >=2.32,<3.0) and kept as written only when PEP 440 cannot say
	// them (alternatives with ||).
	Specifier string   `json:"specifier,omitempty"`
	Extras    []string `json:"extras,omitempty"`
	Marker    string   `json:"marker,omitempty"`
	Group     string   `json:"group,omitempty"` // "main", "dev", or the optional group
	URL       string   `json:"url,omitempty"`   // for name @ url requirements
	File      string   `json:"file,omitempty"`
	Line      int      `json:"line,omitempty"`
}

// Hashed reports whether every artifact of p carries at least one hash and p
// has at least one artifact (VCS and directory sources pinned by commit count
// as hashed only when they carry a commit).
func (p Package) Hashed() bool {
	switch p.Source.Kind {
	case SourceGit:
		return p.Source.Commit != ""
	case SourceDirectory, SourceEditable, SourceVirtual:
		return false
	}
	if len(p.Artifacts) == 0 {
		return false
	}
	for _, a := range p.Artifacts {
		if len(a.Hashes) == 0 {
			return false
		}
	}
	return true
}

// Find returns the package named name (normalised), if present.
func (l *Lock) Find(name string) (Package, bool) {
	for _, p := range l.Packages {
		if p.Name == name {
			return p, true
		}
	}
	return Package{}, false
}
