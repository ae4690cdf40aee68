// Package container owns running an image's root filesystem and config
// under an OCI runtime (Debian's runc): opening an image that `pinwheel
// build --output oci:DIR|tar:FILE` wrote, unpacking its layers once per
// image (keyed by config digest) into a read-only rootfs cache (through safefs, never its own
// tar extraction), turning the image config into an OCI runtime spec
// (read-only root, tmpfs /tmp, no new privileges, no capabilities, host
// network), and running containers: Run for one process to its end (exit
// code, forwarded signals, timeout), and Start/PID/Wait/Signal/Stop/Delete
// for long-running supervised ones, with List and Cleanup of a runc state
// directory of one's own (what a crashed supervisor left).
//
// It does not decide what to run or when: `pinwheel run`, the local
// runtime's replicas and its smoke steps call it. It does not do rollouts,
// proxies or restarts.
package container
