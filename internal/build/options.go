package build

import (
	"io"
	"log/slog"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/signing"
)

// Options are the inputs of a build beyond the project directory.
type Options struct {
	Dir     string   // project root holding pinwheel.yaml
	Outputs []string // --output values: oci:PATH, tar:PATH, REGISTRY/REPO[:TAG]
	// Platforms override the config's platforms when set.
	Platforms []string
	RunID     string // --run-id; overrides CI detection
	// Wheel sources.
	FindLinks      []string
	IndexURL       string
	ExtraIndexURLs []string
	AllowUnhashed  bool
	// BuildLock is a lock (a requirements file with hashes) of build
	// requirements for source builds, searched after the project's lock.
	BuildLock string
	// BuildBase is a Debian base lock for source builds (the runtime
	// base's packages plus compilers and headers); default: the runtime base.
	BuildBase string
	// RebuildSources builds every wheel made from source a second time,
	// uncached, and reports whether the bytes are identical.
	RebuildSources bool
	CacheDir       string // wheels and layers; default: the user cache dir
	// DepsDir, when set, is a directory tree used as the dependencies layer
	// (placed at VenvDir) instead of installing the lock's wheels.
	DepsDir string
	// BuilderVersion is recorded in build-info and provenance.
	BuilderVersion string
	// Getenv reads SOURCE_DATE_EPOCH and CI variables; default os.Getenv.
	Getenv func(string) string
	// Now is the clock for start/finish times; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Progress receives the wheel download progress line (drawn only when
	// it is a terminal), normally stderr.
	Progress io.Writer
	// Ledger, when set, records every build (succeeded or failed, with its
	// BuildInfo and duration) for history and the scorecard.
	Ledger ledger.Builds
	// SignKey is --sign-key: a private key file (PEM) that signs the
	// provenance and SBOM attestations; default pinwheel.yaml's signing.key.
	SignKey string
	// Signer signs instead of a key file (a KMS-style backend).
	Signer signing.Signer
	// NoSign skips signing whatever the config says (verify-reproducible).
	NoSign bool
	// Remote options for registry bases and outputs (tests pass a transport).
	Remote []remote.Option
	// NoGit skips reading git (verify-reproducible supplies recorded values).
	NoGit bool
	// Recorded overrides what is normally detected, for rebuilding from an
	// image's build-info: commit, source, epoch, version and run id.
	Recorded *Recorded

	epoch   time.Time
	lockDir string
}

// Recorded are build inputs read back from an image's build-info.
type Recorded struct {
	GitCommit string
	GitDirty  bool
	GitSource string
	Version   string
	Epoch     time.Time
}
