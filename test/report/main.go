// Command report reads `go test -json` event streams and prints what a
// person needs from them. It is run by scripts/test.sh (make test) and
// scripts/soak.sh (make soak); it is not part of the pinwheel binary.
//
//	go test -json ./... | go run ./test/report stream -o test.json
//	go run ./test/report soak round-1.json round-2.json ...
//
// stream prints each package's result as it finishes (with the output of
// its failed tests), then the skipped tests, the ten slowest tests and the
// total time. soak counts, per test, the rounds it passed, failed and was
// skipped in, failures first.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "stream":
		err = streamCmd(os.Args[2:], os.Stdin, os.Stdout)
	case "soak":
		err = soakCmd(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(2)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: report stream [-o FILE] < go-test-json | report soak FILE...")
	os.Exit(2)
}

var _ io.Reader = os.Stdin
