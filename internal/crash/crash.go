// Package crash makes a panic end the same way wherever it happens: on the
// command's goroutine (internal/cli recovers it there) or on any goroutine
// pinwheel starts — workers, watchers, servers and their handlers. The
// report is "pinwheel: internal error: …", a request to report the bug,
// the stack, and exit code 3: never Go's own crash (exit 2, the code for
// bad input), never a handler panic silently recovered by net/http.
//
// It owns only the report and the exit; it does not decide what a
// goroutine does or clean anything up. A goroutine that panics ends the
// process at once, as an unrecovered panic would; state pinwheel keeps
// (the ledger's transactions, the local runtime's replicas, reaped by the
// next `pinwheel up`) is built to survive that.
package crash

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
)

// ExitBug is the exit code of a bug in pinwheel.
const ExitBug = 3

// Report writes the internal-error report for the panic value v.
func Report(w io.Writer, v any, stack []byte) {
	fmt.Fprintf(w, "pinwheel: internal error: %v\n"+
		"This is a bug in pinwheel, not in your input; please report it with the command you ran and the stack below.\n\n%s", v, stack)
}

// Recover, deferred at the top of a goroutine, turns a panic on it into
// the internal-error report on stderr and exit code 3.
func Recover() {
	if v := recover(); v != nil {
		Report(os.Stderr, v, debug.Stack())
		os.Exit(ExitBug)
	}
}

// Go runs f on a new goroutine under Recover.
func Go(f func()) {
	go func() {
		defer Recover()
		f()
	}()
}

// Handler wraps h so a panic while serving a request is a crash like any
// other (net/http would log it and carry on with the bug in place).
// http.ErrAbortHandler, the documented way to abort a response, is left to
// net/http.
func Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				Report(os.Stderr, v, debug.Stack())
				os.Exit(ExitBug)
			}
		}()
		h.ServeHTTP(w, r)
	})
}
