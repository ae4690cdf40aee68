package check

import (
	"path"
	"strings"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// security reports the securityContext rules for one container, with the
// pod's securityContext as the fallback where Kubernetes has one: PW508
// root, PW509 writable root filesystem, PW510 read-only root without a
// writable /tmp, PW511 privilege escalation, PW512 no seccomp profile.
func (k *kubeCheck) security(w workload, c container, srv server) {
	o := w.obj
	sc := k8syaml.Get(c.node, "securityContext")
	psc := k8syaml.Get(w.spec, "securityContext")
	line := c.at("securityContext")
	pick := func(key string) *k8syaml.Node { // container's setting, else the pod's
		if n := k8syaml.Get(sc, key); n != nil {
			return n
		}
		return k8syaml.Get(psc, key)
	}
	nonRoot, _ := k8syaml.Bool(pick("runAsNonRoot"))
	uid, uidSet := k8syaml.Int(pick("runAsUser"))
	switch {
	case uidSet && uid == 0:
		k.add("PW508", o, line, "container %s runs as root (runAsUser: 0)", c.name)
	case !nonRoot && !(uidSet && uid > 0):
		k.add("PW508", o, line, "container %s may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set", c.name)
	}
	if priv, _ := k8syaml.Bool(k8syaml.Get(sc, "privileged")); priv {
		f := k.add("PW511", o, line, "container %s is privileged: it has every capability of the node", c.name)
		f.Severity = SeverityHigh
	} else if ape, set := k8syaml.Bool(k8syaml.Get(sc, "allowPrivilegeEscalation")); !set || ape {
		k.add("PW511", o, line, "container %s does not set allowPrivilegeEscalation: false: a setuid binary in the image can gain root", c.name)
	}
	seccomp := k8syaml.Str(k8syaml.Get(sc, "seccompProfile", "type"))
	if seccomp == "" {
		seccomp = k8syaml.Str(k8syaml.Get(psc, "seccompProfile", "type"))
	}
	if seccomp != "RuntimeDefault" && seccomp != "Localhost" {
		what := "sets no seccompProfile"
		if seccomp != "" {
			what = "runs with seccompProfile " + seccomp
		}
		k.add("PW512", o, line, "container %s %s: every system call is open to it", c.name, what)
	}
	ro, _ := k8syaml.Bool(k8syaml.Get(sc, "readOnlyRootFilesystem"))
	if !ro {
		k.add("PW509", o, line, "container %s has a writable root filesystem: whatever gets in can change the app's code", c.name)
		return
	}
	if srv.Server == "gunicorn" && !writableTmp(c, srv.WorkerTmpDir) {
		k.add("PW510", o, line, "container %s runs gunicorn on a read-only root filesystem with no writable /tmp: its workers' heartbeat files (tempfile) cannot be created, so it fails at start", c.name)
	}
}

// writableTmp reports whether gunicorn can write its worker heartbeat
// files: --worker-tmp-dir on /dev/shm (a tmpfs Kubernetes mounts in every
// container) or on a read-write mount, else TMPDIR (default /tmp) on a
// read-write mount.
func writableTmp(c container, workerTmpDir string) bool {
	tmp := "/tmp"
	if d := containerEnv(c)["TMPDIR"]; d != "" {
		tmp = path.Clean(d)
	}
	if workerTmpDir != "" {
		tmp = path.Clean(workerTmpDir)
	}
	if tmp == "/dev/shm" || strings.HasPrefix(tmp, "/dev/shm/") {
		return true
	}
	for _, m := range k8syaml.Items(k8syaml.Get(c.node, "volumeMounts")) {
		mp := path.Clean(k8syaml.Str(k8syaml.Get(m, "mountPath")))
		if ro, _ := k8syaml.Bool(k8syaml.Get(m, "readOnly")); ro || mp == "." {
			continue
		}
		if tmp == mp || strings.HasPrefix(tmp, strings.TrimSuffix(mp, "/")+"/") {
			return true
		}
	}
	return false
}
