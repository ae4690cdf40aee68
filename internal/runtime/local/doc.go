// Package local is the embedded runtime.Target: every release of a service
// runs as N real replica processes of the service on this machine, behind a
// weighted L7 reverse proxy with one loopback port per service.
//
// It owns turning a release's artifact into something python3 can run (an
// OCI layout's pinwheel layers extracted into a per-release directory, or a
// source tree with an installed dependency directory), isolating it from the
// host's site-packages with a per-release virtual environment, supervising
// replicas (readiness probe, restart with exponential backoff, captured
// logs, SIGTERM then SIGKILL to the process group), the proxy (smooth
// weighted round robin between stable and canary, round robin across ready
// replicas, graceful draining, one retry of idempotent requests that never
// reached a replica), the proxy's metrics (Prometheus collectors and a
// metrics.Recorder the rollout's analysis queries) and the control API that
// `pinwheel up` serves and Dial speaks to.
//
// It does not decide anything: rollout.Next decides, a driver calls Apply.
package local
