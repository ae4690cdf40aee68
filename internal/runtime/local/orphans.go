package local

import (
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

func (rt *Runtime) pidFile(name string) string {
	return filepath.Join(rt.stateDir, "pids", safeName(name)+".pid")
}

func (rt *Runtime) writePID(name string, pid int) {
	os.MkdirAll(filepath.Join(rt.stateDir, "pids"), 0o755)
	writeFileAtomic(rt.pidFile(name), []byte(strconv.Itoa(pid)), 0o644)
}

func (rt *Runtime) removePID(name string) { os.Remove(rt.pidFile(name)) }

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
