// Package runtime owns the Target interface: the one seam that knows where a
// service's replicas run and how traffic is split between its stable and
// canary releases. Implementations live in sub-packages — local/ (real Python
// processes behind pinwheel's weighted proxy) and, later, kube/ (Deployments,
// Services, routes).
//
// The package does not decide anything: the rollout engine (internal/rollout)
// decides, a driver turns its actions into a Desired state and calls Apply,
// and feeds what Observe reports back into the engine. Metrics live in
// internal/metrics.
package runtime

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Target runs a service's releases and routes traffic between them.
//
// Every method is safe to call repeatedly and concurrently. Apply is
// declarative and idempotent: applying the same Desired twice is a no-op, and
// a driver that was killed re-applies the Desired it last persisted.
type Target interface {
	// Apply makes the service converge towards d: starts or stops replicas,
	// and changes the canary weight once the canary has ready replicas to
	// take it. It returns once the change is accepted (not once replicas are
	// ready); Observe reports progress. Releases no longer named in d are
	// drained (no new requests, in-flight requests finish) and stopped.
	Apply(ctx context.Context, d Desired) error
	// Observe reports what runs now for service: per release desired and
	// ready replicas and restarts, and the canary weight actually in effect.
	// An unknown service is not an error: it has no releases.
	Observe(ctx context.Context, service string) (Observed, error)
	// Smoke runs a smoke test against one release of service: the command in
	// the same environment as the release's replicas (its artifact, its
	// Python path, its Env) with CANARY_URL set to a ready replica's base
	// URL, and the HTTP probes against the release's replicas directly, not
	// through the traffic split. A test that ran and failed is a result with
	// Passed false, not an error; errors mean the test could not run.
	Smoke(ctx context.Context, service, release string, spec rollout.SmokeStep) (SmokeResult, error)
	// Logs returns up to tail of the newest lines the release's replicas
	// wrote (stdout and stderr), oldest first, each prefixed with its
	// replica's name.
	Logs(ctx context.Context, service, release string, tail int) ([]string, error)
}

// FailureSampler is implemented by targets that see each request (the local
// proxy): they keep a bounded sample of failing requests as evidence for
// remediation reports. Type-assert a Target to use it.
type FailureSampler interface {
	// FailedRequests returns up to limit of the newest failing requests
	// served by the release, newest last.
	FailedRequests(ctx context.Context, service, release string, limit int) ([]FailedRequest, error)
}

// Desired is the state a service should be in.
type Desired struct {
	Service string `json:"service"`
	// Stable receives 100-CanaryWeight percent of traffic. Nil only while
	// the first release of a service is rolled out as a canary.
	Stable *Release `json:"stable,omitempty"`
	// Canary is the release being rolled out; nil when there is none.
	Canary *Release `json:"canary,omitempty"`
	// CanaryWeight is the percentage (0-100) of requests sent to the canary.
	// With no Stable every request goes to the canary whatever the weight.
	CanaryWeight int `json:"canaryWeight"`
	// Replicas is how many replicas the stable release runs.
	Replicas int `json:"replicas"`
	// CanaryReplicas is how many replicas the canary runs (see
	// CanaryReplicas for sizing it from rollout.ScaleCanary).
	CanaryReplicas int `json:"canaryReplicas"`
	// Standby are releases kept running with no traffic, e.g. the previous
	// stable release during rollout.Spec.ScaleDownDelay after a promotion.
	// Each runs Replicas replicas.
	Standby []Release `json:"standby,omitempty"`
	// ReadinessPath is the HTTP path probed (GET, expecting 2xx) before a
	// replica receives traffic. Empty means "/".
	ReadinessPath string `json:"readinessPath,omitempty"`
}

// Release is one deployable version of a service. Releases are immutable:
// a Target keeps running what it first got under an ID, so a changed
// artifact or Env needs a new ID.
type Release struct {
	// ID names the release uniquely within the service (e.g. "v2" or a
	// digest-derived name); metrics and logs are labelled with it.
	ID        string           `json:"id"`
	BuildInfo attest.BuildInfo `json:"buildInfo"`
	Artifact  Artifact         `json:"artifact"`
	// Env is added to each replica's environment (after the image's own).
	Env map[string]string `json:"env,omitempty"`
	// EnvDigests are variables whose values a record leaves out, each with
	// the digest of its value (config.ValueDigest): the deploying process
	// reads the values again from the project's pinwheel.yaml into Env,
	// checking each digest, before a Target sees the release.
	EnvDigests map[string]string `json:"envDigests,omitempty"`
	// SecretEnv are variables whose values come from references, never
	// stored anywhere: the deploying process resolves FromEnv and FromFile
	// into Env (local target); the kube target renders SecretKeyRef into
	// the pod template, and the kubelet reads the Secret.
	SecretEnv map[string]SecretRef `json:"secretEnv,omitempty"`
}

// SecretRef says where one secret variable's value comes from.
type SecretRef struct {
	// FromEnv names a variable of the deploying process's environment.
	FromEnv string `json:"fromEnv,omitempty"`
	// FromFile is a file inside the project (relative) or inside a
	// directory listed in $PINWHEEL_SECRET_DIRS (absolute).
	FromFile string `json:"fromFile,omitempty"`
	// SecretKeyRef is a key of a Kubernetes Secret in the release's namespace.
	SecretKeyRef *SecretKeyRef `json:"secretKeyRef,omitempty"`
}

// SecretKeyRef names one key of a Kubernetes Secret.
type SecretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// Artifact says what a release runs. Set exactly one of Layout, Source or
// Image; a Target reports an error for kinds it cannot run.
type Artifact struct {
	// Layout is an OCI image layout directory (as written by pinwheel build)
	// and Digest the manifest to run from it (empty: its only manifest).
	Layout string `json:"layout,omitempty"`
	Digest string `json:"digest,omitempty"`
	// Source runs from a source tree: Dir is put on the Python path with
	// SitePackages (an installed dependency directory), and Command is run
	// with the machine's python3 (e.g. ["-m", "app"] or ["app.py"]).
	Source *SourceArtifact `json:"source,omitempty"`
	// Image is a registry reference (for targets that pull images).
	Image string `json:"image,omitempty"`
}

// SourceArtifact is a release run from a source directory.
type SourceArtifact struct {
	Dir          string   `json:"dir"`
	SitePackages string   `json:"sitePackages,omitempty"`
	Command      []string `json:"command"`
}

// Observed is what a Target reports about one service.
type Observed struct {
	Service string `json:"service"`
	// Endpoint is the URL clients use to reach the service (the proxy).
	Endpoint string `json:"endpoint,omitempty"`
	// Stable and Canary are the release IDs the router uses now.
	Stable string `json:"stable,omitempty"`
	Canary string `json:"canary,omitempty"`
	// CanaryWeight is the canary percentage the router applies now.
	CanaryWeight int `json:"canaryWeight"`
	// Converged is true when every release has its desired replicas ready,
	// released replicas are gone and the desired weight is in effect.
	Converged bool `json:"converged"`
	// Releases are the releases that have replicas, by ID.
	Releases map[string]ReleaseState `json:"releases,omitempty"`
	// Runs says in words how the target runs replicas, and when it cannot
	// run them in their image, why (e.g. "host processes …: no OCI runtime
	// can run containers here: missing root").
	Runs string `json:"runs,omitempty"`
}

// Readiness returns the desired/ready counts of release (zero if unknown).
func (o Observed) Readiness(release string) rollout.Readiness {
	r := o.Releases[release]
	return rollout.Readiness{Ready: r.Ready, Desired: r.Desired}
}

// RolloutObservations fills the runtime part of rollout.Observations for a
// rollout of canary over stable: readiness, the weight in effect, the stable
// release the router serves, and InFlight while the runtime has not
// converged on the last Apply. Smoke, analysis and commands are the
// driver's to add. With no stable release the runtime sends the canary all
// traffic, so AppliedWeight is 100 whatever weight was asked for.
func (o Observed) RolloutObservations(stable, canary string) rollout.Observations {
	return rollout.Observations{
		Canary:        o.Readiness(canary),
		Stable:        o.Readiness(stable),
		AppliedWeight: o.CanaryWeight,
		StableRelease: o.Stable,
		InFlight:      !o.Converged,
	}
}

// ReleaseState is one release's replicas.
type ReleaseState struct {
	ID string `json:"id"`
	// Mode is how the release's replicas run: ModeContainer (an OCI
	// container of the release's image), ModeProcess (a process on the
	// host) or ModePod (Kubernetes). Empty when the target does not say.
	Mode     string         `json:"mode,omitempty"`
	Desired  int            `json:"desired"`
	Ready    int            `json:"ready"`
	Restarts int            `json:"restarts"`
	Replicas []ReplicaState `json:"replicas,omitempty"`
}

// How a release's replicas run (ReleaseState.Mode).
const (
	ModeContainer = "container"
	ModeProcess   = "process"
	ModePod       = "pod"
)

// ReplicaState is one replica as a Target sees it.
type ReplicaState struct {
	Name     string `json:"name"`
	Address  string `json:"address,omitempty"` // host:port it listens on
	PID      int    `json:"pid,omitempty"`
	State    string `json:"state"` // starting, ready, backoff, draining, stopped
	Restarts int    `json:"restarts"`
	// LastExit describes the latest exit ("exit status 1", "signal: killed").
	LastExit string `json:"lastExit,omitempty"`
}

// SmokeResult is the outcome of a smoke test.
type SmokeResult struct {
	Passed bool   `json:"passed"`
	Reason string `json:"reason,omitempty"`
	// Output is the tail of the command's combined output, if one ran.
	Output string `json:"output,omitempty"`
}

// FailedRequest is one failing request: a 5xx answer, a reset or a timeout.
type FailedRequest struct {
	Time    time.Time     `json:"time"`
	Release string        `json:"release"`
	Replica string        `json:"replica,omitempty"`
	Method  string        `json:"method"`
	Path    string        `json:"path"`
	Status  int           `json:"status"` // 0 when no response came back
	Error   string        `json:"error,omitempty"`
	Latency time.Duration `json:"latency"`
	// Body is the start of the response body (at most 512 bytes).
	Body string `json:"body,omitempty"`
}

// CanaryReplicas sizes a canary for weight percent of a service that runs
// replicas replicas at full scale: ceil(replicas*weight/100), at least one.
func CanaryReplicas(replicas, weight int) int {
	n := (replicas*weight + 99) / 100
	return max(n, 1)
}
