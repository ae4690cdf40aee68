package kubetest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// component is one process of the process's own cluster, as kwokctl's pid
// file names it (etcd, kube-apiserver, kwok-controller, …).
type component struct {
	Name string
	PID  int
}

func (c *Cluster) clusterDir() string { return filepath.Join(c.Workdir, "clusters", c.Name) }

func (c *Cluster) pidFile(name string) string {
	return filepath.Join(c.clusterDir(), "pids", name+".pid")
}

func (c *Cluster) logFile(name string) string {
	return filepath.Join(c.clusterDir(), "logs", name+".log")
}

// components reads kwokctl's pid files, sorted by name.
func (c *Cluster) components() []component {
	files, _ := filepath.Glob(filepath.Join(c.clusterDir(), "pids", "*.pid"))
	var out []component
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			continue
		}
		out = append(out, component{Name: strings.TrimSuffix(filepath.Base(f), ".pid"), PID: pid})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// APIServerPID is the pid of the cluster's kube-apiserver, from kwokctl's
// pid file. Only for the process's own cluster.
func (c *Cluster) APIServerPID() (int, error) {
	if c.Workdir == "" {
		return 0, fmt.Errorf("kubetest: the cluster from PINWHEEL_KUBECONFIG is not this process's own")
	}
	b, err := os.ReadFile(c.pidFile("kube-apiserver"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// dead are the components whose process has exited, each with the tail of
// its log: the cause a test should report instead of "connection refused".
func (c *Cluster) dead() []string {
	var out []string
	for _, comp := range c.components() {
		if testproc.Exited(comp.PID) {
			log, _ := os.ReadFile(c.logFile(comp.Name))
			out = append(out, fmt.Sprintf("%s (pid %d) is not running; its log ends:\n%s", comp.Name, comp.PID, tail(log, 15)))
		}
	}
	return out
}

// forgetDead reaps the components that have exited and removes their pid
// files: kwokctl takes a pid that still exists (a zombie) for a running
// component and would not start it again.
func (c *Cluster) forgetDead() {
	for _, comp := range c.components() {
		if testproc.Exited(comp.PID) {
			_ = testproc.WaitExited(comp.PID, time.Second) // reaps it
			_ = os.Remove(c.pidFile(comp.Name))
		}
	}
}

// stopComponents waits for every component to exit after `kwokctl delete
// cluster` has signalled them (kwokctl does not wait), SIGKILLs one that
// outlives limit, and reaps them all.
func stopComponents(comps []component, limit time.Duration) []string {
	var problems []string
	for _, comp := range comps {
		if err := testproc.WaitExited(comp.PID, limit); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v; SIGKILLed", comp.Name, err))
			if err := testproc.Kill(comp.PID, 9, limit); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", comp.Name, err))
			}
		}
	}
	return problems
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
