package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// run is what one stream of events said.
type run struct {
	out      map[key]*strings.Builder // output per test ("" = the package's own)
	elapsed  map[key]float64
	result   map[key]string // pass, fail, skip
	order    []key
	first    time.Time
	last     time.Time
	pkgsFail []string
}

func newRun() *run {
	return &run{out: map[key]*strings.Builder{}, elapsed: map[key]float64{}, result: map[key]string{}}
}

func (r *run) add(ev event) {
	if !ev.Time.IsZero() {
		if r.first.IsZero() || ev.Time.Before(r.first) {
			r.first = ev.Time
		}
		if ev.Time.After(r.last) {
			r.last = ev.Time
		}
	}
	k := key{ev.Package, ev.Test}
	switch ev.Action {
	case "output", "build-output":
		b := r.out[k]
		if b == nil {
			b = &strings.Builder{}
			r.out[k] = b
		}
		if b.Len() < 1<<20 {
			b.WriteString(ev.Output)
		}
	case "pass", "fail", "skip":
		if _, seen := r.result[k]; !seen {
			r.order = append(r.order, k)
		}
		r.result[k] = ev.Action
		r.elapsed[k] = ev.Elapsed
		if ev.Test == "" && ev.Action == "fail" {
			r.pkgsFail = append(r.pkgsFail, ev.Package)
		}
	case "build-fail":
		r.pkgsFail = append(r.pkgsFail, ev.ImportPath)
	}
}

// tests are the results of tests (not packages), subtests included.
func (r *run) tests() []key {
	var out []key
	for _, k := range r.order {
		if k.test != "" {
			out = append(out, k)
		}
	}
	return out
}

func streamCmd(args []string, in io.Reader, w io.Writer) error {
	fs := flag.NewFlagSet("stream", flag.ContinueOnError)
	save := fs.String("o", "", "also write the raw event stream to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *save != "" {
		f, err := os.Create(*save)
		if err != nil {
			return err
		}
		defer f.Close()
		in = io.TeeReader(in, f)
	}
	r := newRun()
	err := readEvents(in, func(ev event) {
		r.add(ev)
		switch {
		case ev.Package == "" && ev.ImportPath == "" && ev.Action == "output":
			fmt.Fprint(w, ev.Output) // not from a test: go's own messages
		case ev.Action == "build-fail":
			fmt.Fprintf(w, "FAIL\t%s [build failed]\n%s", ev.ImportPath, r.out[key{ev.ImportPath, ""}])
		case ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip"):
			r.printPackage(w, ev)
		}
	})
	r.summary(w)
	return err
}

// printPackage prints one package's line, like go test, and on failure
// the output of each failed test (or the package's own when no test
// failed: a panic, a timeout, a TestMain that gave up).
func (r *run) printPackage(w io.Writer, ev event) {
	switch ev.Action {
	case "pass":
		fmt.Fprintf(w, "ok  \t%s\t%.1fs\n", ev.Package, ev.Elapsed)
		return
	case "skip":
		fmt.Fprintf(w, "?   \t%s\t[no test files]\n", ev.Package)
		return
	}
	fmt.Fprintf(w, "FAIL\t%s\t%.1fs\n", ev.Package, ev.Elapsed)
	failed := 0
	for _, k := range r.order {
		if k.pkg == ev.Package && k.test != "" && r.result[k] == "fail" && !strings.Contains(k.test, "/") {
			failed++
			fmt.Fprintf(w, "--- output of %s:\n%s", k, r.out[k])
		}
	}
	if failed == 0 {
		fmt.Fprintf(w, "--- output of %s:\n%s", ev.Package, tail(r.out[key{ev.Package, ""}].String(), 200))
	}
}

func (r *run) summary(w io.Writer) {
	var failed, skipped []key
	passed := 0
	for _, k := range r.tests() {
		switch r.result[k] {
		case "pass":
			passed++
		case "fail":
			failed = append(failed, k)
		case "skip":
			skipped = append(skipped, k)
		}
	}
	fmt.Fprintf(w, "\n== %d tests passed, %d failed, %d skipped", passed, len(failed), len(skipped))
	if len(r.pkgsFail) > 0 {
		fmt.Fprintf(w, "; failed packages: %s", strings.Join(r.pkgsFail, " "))
	}
	fmt.Fprintln(w)
	for _, k := range failed {
		fmt.Fprintf(w, "FAILED  %s\n", k)
	}
	for _, k := range skipped {
		fmt.Fprintf(w, "SKIPPED %s: %s\n", k, skipReason(r.out[k]))
	}
	top := r.tests()
	top = filter(top, func(k key) bool { return !strings.Contains(k.test, "/") })
	sort.SliceStable(top, func(i, j int) bool { return r.elapsed[top[i]] > r.elapsed[top[j]] })
	fmt.Fprintln(w, "== ten slowest tests:")
	for _, k := range top[:min(10, len(top))] {
		fmt.Fprintf(w, "%8.1fs  %s\n", r.elapsed[k], k)
	}
	if !r.first.IsZero() {
		fmt.Fprintf(w, "== go test wall time: %s\n", r.last.Sub(r.first).Round(time.Second))
	}
}

// skipReason is the last line a skipped test logged (its t.Skip message).
func skipReason(b *strings.Builder) string {
	if b == nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "--- SKIP") && !strings.HasPrefix(l, "=== ") {
			return l
		}
	}
	return ""
}

func filter(ks []key, keep func(key) bool) []key {
	var out []key
	for _, k := range ks {
		if keep(k) {
			out = append(out, k)
		}
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n"
}
