package testproc

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// PortFree reports whether a listener could bind port on every interface
// now (kube-apiserver and etcd bind 0.0.0.0).
func PortFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// WaitPortFree waits up to limit for port to be free; the error names the
// process that still listens on it.
func WaitPortFree(port int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !PortFree(port) {
		if time.Now().After(deadline) {
			return fmt.Errorf("port %d still in use after %s, held by %s", port, limit, PortHolder(port))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// PortHolder describes the processes with a listening TCP socket on port
// ("pid 123 (kube-apiserver)"), or says that none was found.
func PortHolder(port int) string {
	inodes := listeningInodes(port)
	if len(inodes) == 0 {
		return "no listening socket found (a socket in teardown, or another network namespace)"
	}
	var holders []string
	// Through the threads: a zombie leader's own fd table is gone while its
	// other threads still hold the sockets.
	fds, _ := filepath.Glob("/proc/[0-9]*/task/[0-9]*/fd/*")
	seen := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if !inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			continue
		}
		pidDir := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(fd))))
		if seen[pidDir] {
			continue
		}
		seen[pidDir] = true
		comm, _ := os.ReadFile(filepath.Join(pidDir, "comm"))
		holders = append(holders, fmt.Sprintf("pid %s (%s)", filepath.Base(pidDir), strings.TrimSpace(string(comm))))
	}
	if len(holders) == 0 {
		return "a socket no process holds any more (in teardown)"
	}
	return strings.Join(holders, ", ")
}

// listeningInodes are the inodes of the sockets in state LISTEN on port,
// from /proc/net/tcp and /proc/net/tcp6.
func listeningInodes(port int) map[string]bool {
	out := map[string]bool{}
	want := fmt.Sprintf(":%04X", port)
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != "0A" || !strings.HasSuffix(fields[1], want) {
				continue
			}
			out[fields[9]] = true
		}
		f.Close()
	}
	return out
}

// PortOf is the port of a URL's host ("https://127.0.0.1:32764" → 32764).
func PortOf(hostport string) (int, error) {
	_, p, err := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(hostport, "https://"), "http://"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(p)
}
