package local

import (
	"log/slog"
	"time"

	"pinwheel.dev/pinwheel/internal/container"
)

type options struct {
	python          string
	logger          *slog.Logger
	grace           time.Duration
	drainTimeout    time.Duration
	backoffMin      time.Duration
	backoffMax      time.Duration
	probeInterval   time.Duration
	upstreamTimeout time.Duration
	reconcileEvery  time.Duration
	addrs           map[string]string
	logLines        int
	containers      bool   // run image replicas as containers when runc can
	rootfsCache     string // "": stateDir/rootfs
	limits          container.Limits
}

// Option configures a Runtime.
type Option func(*options)

// WithPython sets the interpreter replicas run on (default "python3" on PATH).
func WithPython(exe string) Option { return func(o *options) { o.python = exe } }

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithGracePeriod is how long a replica has between SIGTERM and SIGKILL (default 5s).
func WithGracePeriod(d time.Duration) Option { return func(o *options) { o.grace = d } }

// WithDrainTimeout bounds how long a removed replica's in-flight requests
// may take before it is stopped anyway (default 30s).
func WithDrainTimeout(d time.Duration) Option { return func(o *options) { o.drainTimeout = d } }

// WithBackoff sets the restart backoff: first delay, doubling up to max
// (default 200ms to 10s).
func WithBackoff(first, max time.Duration) Option {
	return func(o *options) { o.backoffMin, o.backoffMax = first, max }
}

// WithProbeInterval sets how often a starting replica is probed (default 100ms).
func WithProbeInterval(d time.Duration) Option { return func(o *options) { o.probeInterval = d } }

// WithUpstreamTimeout bounds the wait for a replica's response headers; a
// request that exceeds it is answered 504 and counted as a timeout (default 60s).
func WithUpstreamTimeout(d time.Duration) Option { return func(o *options) { o.upstreamTimeout = d } }

// WithServiceAddr fixes the proxy's listen address for service (default
// 127.0.0.1 on a free port).
func WithServiceAddr(service, addr string) Option {
	return func(o *options) { o.addrs[service] = addr }
}

// WithContainers says whether replicas of an image (an OCI layout) run as
// OCI containers under runc when this process can run them (root and
// runc; default true). With false, or where runc cannot run, they run as
// host processes on the machine's python3 (see Mode).
func WithContainers(on bool) Option { return func(o *options) { o.containers = on } }

// WithRootfsCache sets where images are unpacked for containers, once per
// image (default STATEDIR/rootfs); `pinwheel up` shares `pinwheel run`'s.
func WithRootfsCache(dir string) Option { return func(o *options) { o.rootfsCache = dir } }

// WithLimits sets each container replica's cgroup limits (default 512 MiB
// of memory, 512 pids, no CPU quota); zero fields are unlimited.
func WithLimits(l container.Limits) Option { return func(o *options) { o.limits = l } }

// DefaultLimits are a container replica's limits unless WithLimits says
// otherwise.
var DefaultLimits = container.Limits{MemoryBytes: 512 << 20, Pids: 512}

func defaultOptions() *options {
	return &options{
		python: "python3", logger: slog.New(slog.DiscardHandler),
		grace: 5 * time.Second, drainTimeout: 30 * time.Second,
		backoffMin: 200 * time.Millisecond, backoffMax: 10 * time.Second,
		probeInterval: 100 * time.Millisecond, upstreamTimeout: 60 * time.Second,
		reconcileEvery: 100 * time.Millisecond, addrs: map[string]string{}, logLines: 2000,
		containers: true, limits: DefaultLimits,
	}
}
