package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrUnavailable is why no OCI runtime can run containers here; `pinwheel
// run` reports it (exit 2) instead of running anything on the host.
var ErrUnavailable = errors.New("no OCI runtime can run containers here")

// Runc is Debian's runc: the binary and the state directory it keeps its
// containers in ("" is runc's default, /run/runc for root).
type Runc struct {
	Binary string
	Root   string
}

// runcPaths are looked at after PATH: root's PATH holds /usr/sbin, but a
// login shell of another user (or sudo with a short PATH) may not.
var runcPaths = []string{"/usr/sbin/runc", "/usr/bin/runc"}

// Detect finds a runc that can run containers: this process must be root
// (runc here creates namespaces and cgroups as root; rootless mode is not
// used) and a runc binary must exist. The error says what is missing and
// wraps ErrUnavailable.
func Detect() (*Runc, error) { return detect(os.Geteuid(), exec.LookPath) }

func detect(euid int, lookPath func(string) (string, error)) (*Runc, error) {
	var missing []string
	if euid != 0 {
		missing = append(missing, fmt.Sprintf("root (running as uid %d; runc needs root here)", euid))
	}
	bin, err := lookPath("runc")
	if err != nil {
		bin = ""
		for _, p := range runcPaths {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		missing = append(missing, "runc (install Debian's runc: scripts/setup.sh as root, or apt-get install runc)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing %s", ErrUnavailable, strings.Join(missing, " and "))
	}
	return &Runc{Binary: bin}, nil
}

func (r *Runc) command(args ...string) *exec.Cmd {
	if r.Root != "" {
		args = append([]string{"--root", r.Root}, args...)
	}
	return exec.Command(r.Binary, args...)
}
