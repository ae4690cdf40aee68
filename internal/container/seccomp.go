package container

import (
	"fmt"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// applySeccomp gives s the default seccomp profile of Docker and Podman
// (moby's): an allow-list of system calls, narrowed by the capabilities the
// process holds (none here) and the host kernel's version, refusing the
// rest with EPERM — the kernel keyring, new user namespaces, kernel
// modules, reboot, bpf and the like. Kubernetes pods under Pod Security
// "restricted" run with RuntimeDefault, which is the same family of
// profile, so a replica here is confined as it is in a pod.
func applySeccomp(s *specs.Spec) error {
	p, err := seccomp.GetDefaultProfile(s)
	if err != nil {
		return fmt.Errorf("container: default seccomp profile: %w", err)
	}
	s.Linux.Seccomp = p
	return nil
}
