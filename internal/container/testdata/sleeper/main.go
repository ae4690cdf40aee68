// Command sleeper is a static test program for the container tests: it
// prints its pid and waits; SIGTERM ends it with exit 0 unless IGNORE_TERM
// is set (as a PID 1 without a handler would).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
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
