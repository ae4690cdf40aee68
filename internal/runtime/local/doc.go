// Package local is the embedded runtime.Target: every release of a service
// runs as N real replicas on this machine, behind a weighted L7 reverse
// proxy with one loopback port per service.
//
// It owns turning a release's artifact into something that runs: an OCI
// layout runs as OCI containers of that exact image under runc (through
// internal/container: rootfs once per image, the image's config, the host's
// network, cgroup limits; containers a crashed runtime left in its runc
// state directory are deleted at start), or — where no OCI runtime can run
// — as host processes on the machine's python3 over the image's pinwheel
// layers in a per-release virtual environment (a source tree runs that way
// too), and Mode says which and why; supervising replicas (readiness probe,
// restart with exponential backoff, captured logs, SIGTERM then SIGKILL),
// smoke commands in the release's image or environment, the proxy (smooth
// weighted round robin between stable and canary, round robin across ready
// replicas, graceful draining, one retry of idempotent requests that never
// reached a replica), the proxy's metrics (Prometheus collectors and a
// metrics.Recorder the rollout's analysis queries) and the control API that
// `pinwheel up` serves and Dial speaks to.
//
// It does not decide anything: rollout.Next decides, a driver calls Apply.
package local
