package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// tally is one test's results over the rounds of a soak.
type tally struct {
	pass, fail, skip int
	firstFailure     string // the output of its first failed round
}

func soakCmd(files []string, w io.Writer) error {
	if len(files) == 0 {
		return fmt.Errorf("soak: no rounds given")
	}
	tallies := map[key]*tally{}
	var pkgFailures []string
	for i, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		r := newRun()
		err = readEvents(f, r.add)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, k := range r.tests() {
			t := tallies[k]
			if t == nil {
				t = &tally{}
				tallies[k] = t
			}
			switch r.result[k] {
			case "pass":
				t.pass++
			case "fail":
				t.fail++
				if t.firstFailure == "" && r.out[k] != nil {
					t.firstFailure = fmt.Sprintf("round %d (%s):\n%s", i+1, name, failureLines(r.out[k].String()))
				}
			case "skip":
				t.skip++
			}
		}
		for _, p := range r.pkgsFail {
			pkgFailures = append(pkgFailures, fmt.Sprintf("round %d: package %s failed", i+1, p))
		}
	}
	keys := make([]key, 0, len(tallies))
	for k := range tallies {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := tallies[keys[i]], tallies[keys[j]]
		if a.fail != b.fail {
			return a.fail > b.fail
		}
		return keys[i].String() < keys[j].String()
	})
	failing := 0
	fmt.Fprintf(w, "%-6s %-6s %-6s %s\n", "pass", "fail", "skip", "test")
	for _, k := range keys {
		t := tallies[k]
		if t.fail > 0 {
			failing++
		}
		fmt.Fprintf(w, "%-6d %-6d %-6d %s\n", t.pass, t.fail, t.skip, k)
	}
	for _, p := range pkgFailures {
		fmt.Fprintln(w, p)
	}
	fmt.Fprintf(w, "== %d rounds, %d tests, %d with failures, %d package failures\n", len(files), len(keys), failing, len(pkgFailures))
	for _, k := range keys {
		if t := tallies[k]; t.firstFailure != "" {
			fmt.Fprintf(w, "\n--- first failure of %s, %s", k, strings.TrimLeft(t.firstFailure, "\n"))
		}
	}
	if failing > 0 || len(pkgFailures) > 0 {
		return fmt.Errorf("%d tests failed in some round", failing)
	}
	return nil
}

// failureLines is what a failure said: the lines a test logged through
// t.Error/t.Log (file_test.go:N: …) and the last lines, without the
// component logs a test may print in between.
func failureLines(out string) string {
	var said []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "_test.go:") || strings.HasPrefix(strings.TrimSpace(l), "--- FAIL") {
			said = append(said, l)
		}
	}
	return strings.Join(said, "\n") + "\n…\n" + tail(out, 10)
}
