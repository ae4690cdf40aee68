package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time       time.Time
	Action     string
	Package    string
	ImportPath string // build-output, build-fail
	Test       string
	Elapsed    float64
	Output     string
}

// key names a test within its package.
type key struct{ pkg, test string }

func (k key) String() string { return k.pkg + "." + k.test }

// readEvents calls f for each event of r; a line that is not JSON (go
// test's own messages, a panic before test2json) is passed on as output
// of no package.
func readEvents(r io.Reader, f func(event)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		var ev event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &ev) != nil {
			ev = event{Action: "output", Output: line + "\n"}
		}
		f(ev)
	}
	return sc.Err()
}
