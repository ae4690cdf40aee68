package local

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Each running replica has a pid file under stateDir/pids, so a runtime
// started after a crash (SIGKILL of `pinwheel up`) can stop the process
// groups its predecessor left behind.

// pidFile is the pid file of replica name of service: the replica name
// for people, prefixed by a digest of (service, name) so two services whose
// release ids (and so replica names) coincide, or differ only in characters
// safeName folds, never share a file.
func (rt *Runtime) pidFile(service, name string) string {
	sum := sha256.Sum256([]byte(service + "\x00" + name))
	return filepath.Join(rt.stateDir, "pids", hex.EncodeToString(sum[:8])+"-"+safeName(name)+".pid")
}

func (rt *Runtime) writePID(service, name string, pid int) {
	os.MkdirAll(filepath.Join(rt.stateDir, "pids"), 0o755)
	writeFileAtomic(rt.pidFile(service, name), []byte(strconv.Itoa(pid)), 0o644)
}

func (rt *Runtime) removePID(service, name string) { os.Remove(rt.pidFile(service, name)) }

// reapOrphans SIGKILLs the process group of every pid file whose process
// still runs a python from this state dir (so a reused pid is left alone),
// and removes the files. It returns how many groups it stopped.
func (rt *Runtime) reapOrphans() int {
	files, _ := filepath.Glob(filepath.Join(rt.stateDir, "pids", "*.pid"))
	n := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		os.Remove(f)
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 1 {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || !strings.Contains(string(cmdline), rt.stateDir) {
			continue
		}
		if syscall.Kill(-pid, syscall.SIGKILL) == nil {
			n++
			rt.opts.logger.Warn("stopped a replica left by an earlier runtime", "pid", pid)
		}
	}
	return n
}
