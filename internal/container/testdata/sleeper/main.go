// Command sleeper is a static test program for the container tests: it
// prints its pid and waits; SIGTERM ends it with exit 0 unless IGNORE_TERM
// is set (as a PID 1 without a handler would). With PROBE_SECCOMP set it
// prints its seccomp mode and what keyctl(2) returned, and exits.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if os.Getenv("PROBE_SECCOMP") != "" {
		probeSeccomp()
		return
	}
	sigs := make(chan os.Signal, 1)
	if os.Getenv("IGNORE_TERM") != "" {
		signal.Ignore(syscall.SIGTERM)
	} else {
		signal.Notify(sigs, syscall.SIGTERM)
	}
	fmt.Printf("sleeper pid %d\n", os.Getpid())
	if os.Getenv("IGNORE_TERM") != "" {
		for {
			time.Sleep(time.Hour)
		}
	}
	<-sigs
	fmt.Println("sleeper got SIGTERM")
}

// probeSeccomp prints the Seccomp line of /proc/self/status (2: a filter)
// and the errno of keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING),
// which an unconfined process may call and the default profile refuses.
func probeSeccomp() {
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "Seccomp:") {
			fmt.Println("seccomp", strings.TrimSpace(strings.TrimPrefix(line, "Seccomp:")))
		}
	}
	const keyctlGetKeyringID, keySpecSessionKeyring = 0, ^uintptr(2) // -3
	_, _, errno := syscall.Syscall(syscall.SYS_KEYCTL, keyctlGetKeyringID, keySpecSessionKeyring, 0)
	fmt.Printf("keyctl errno %d\n", errno)
}
