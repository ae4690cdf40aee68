package container

import (
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Limits are the cgroup and rlimit bounds of one container; zero means
// unlimited (the rlimit: NoFile must be set, at most the hard limit the
// caller holds, or runc fails to apply it).
type Limits struct {
	MemoryBytes int64   // cgroup memory limit
	Pids        int64   // cgroup pids limit
	CPUs        float64 // CPU quota in CPUs (0.5 = half a core)
	NoFile      uint64  // RLIMIT_NOFILE, soft and hard
}

// Process is what runs: the image config with the caller's overrides.
type Process struct {
	Args    []string // replaces the image's entrypoint and cmd when set
	Env     []string // K=V, added after (and overriding) the image's
	WorkDir string   // replaces the image's working directory when set
}

// defaultPath is the PATH a process gets when the image sets none.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Spec is the OCI runtime spec for running p in the image whose config is
// cfg, unpacked at rootfs, as user u: the root read-only, a tmpfs /tmp,
// /proc, /dev and /sys, the host's network, resolv.conf and hosts, no new
// privileges, no capabilities, its own mount, PID, IPC and UTS namespaces,
// and lim as cgroup limits and the open-files rlimit. It is pure: the same
// inputs give the same spec.
func Spec(cfg v1.Config, rootfs string, u User, p Process, lim Limits) *specs.Spec {
	args := p.Args
	if len(args) == 0 {
		args = append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
	}
	cwd := p.WorkDir
	if cwd == "" {
		cwd = cfg.WorkingDir
	}
	if cwd == "" {
		cwd = "/"
	}
	empty := &specs.LinuxCapabilities{Bounding: []string{}, Effective: []string{}, Inheritable: []string{}, Permitted: []string{}, Ambient: []string{}}
	s := &specs.Spec{
		Version:  specs.Version,
		Root:     &specs.Root{Path: rootfs, Readonly: true},
		Hostname: "pinwheel",
		Process: &specs.Process{
			Args:            args,
			Env:             env(cfg.Env, p.Env, u),
			Cwd:             path.Clean("/" + cwd),
			User:            specs.User{UID: u.UID, GID: u.GID},
			Capabilities:    empty,
			NoNewPrivileges: true,
		},
		Mounts: mounts(),
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.MountNamespace}, {Type: specs.PIDNamespace},
				{Type: specs.IPCNamespace}, {Type: specs.UTSNamespace},
			},
			Resources:     resources(lim),
			MaskedPaths:   []string{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"},
			ReadonlyPaths: []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
	if lim.NoFile > 0 {
		s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: lim.NoFile, Soft: lim.NoFile}}
	}
	return s
}

// env is the image's environment, then the caller's (a later K wins),
// with PATH and HOME filled in when neither sets them.
func env(image, extra []string, u User) []string {
	var keys []string
	vals := map[string]string{}
	for _, kv := range append(append([]string{}, image...), extra...) {
		k, _, _ := strings.Cut(kv, "=")
		if _, seen := vals[k]; !seen {
			keys = append(keys, k)
		}
		vals[k] = kv
	}
	for _, d := range []string{defaultPath, "HOME=" + u.Home} {
		k, _, _ := strings.Cut(d, "=")
		if _, seen := vals[k]; !seen {
			keys, vals[k] = append(keys, k), d
		}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = vals[k]
	}
	return out
}

func mounts() []specs.Mount {
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "bind", Source: "/sys", Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}},
		{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=1777"}},
		{Destination: "/etc/resolv.conf", Type: "bind", Source: "/etc/resolv.conf", Options: []string{"bind", "ro", "nosuid", "nodev", "noexec"}},
		{Destination: "/etc/hosts", Type: "bind", Source: "/etc/hosts", Options: []string{"bind", "ro", "nosuid", "nodev", "noexec"}},
	}
}

func resources(lim Limits) *specs.LinuxResources {
	r := &specs.LinuxResources{}
	if lim.MemoryBytes > 0 {
		m := lim.MemoryBytes
		r.Memory = &specs.LinuxMemory{Limit: &m}
	}
	if lim.Pids > 0 {
		n := lim.Pids
		r.Pids = &specs.LinuxPids{Limit: &n}
	}
	if lim.CPUs > 0 {
		period := uint64(100_000)
		quota := int64(lim.CPUs * float64(period))
		r.CPU = &specs.LinuxCPU{Period: &period, Quota: &quota}
	}
	return r
}
