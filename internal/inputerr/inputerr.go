// Package inputerr is the error type for bad user input: a file position and
// what was expected there. The CLI maps these to exit code 2. It owns no
// parsing; parsers construct these errors.
package inputerr

import (
	"errors"
	"fmt"
)

// Error is a problem in a user-supplied file or argument.
type Error struct {
	Path string // file path as the user gave it; empty for arguments
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Msg  string // what is wrong / what was expected
	Err  error  // optional underlying cause
}

func (e *Error) Error() string {
	pos := e.Path
	if e.Line > 0 {
		pos = fmt.Sprintf("%s:%d", pos, e.Line)
		if e.Col > 0 {
			pos = fmt.Sprintf("%s:%d", pos, e.Col)
		}
	}
	msg := e.Msg
	if e.Err != nil {
		if msg == "" {
			msg = e.Err.Error()
		} else {
			msg = msg + ": " + e.Err.Error()
		}
	}
	if pos == "" {
		return msg
	}
	return pos + ": " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// At builds an Error at path:line:col.
// String arguments are cut to an excerpt (see Sprintf).
func At(path string, line, col int, format string, args ...any) *Error {
	return &Error{Path: path, Line: line, Col: col, Msg: Sprintf(format, args...)}
}

// Is reports whether err is (or wraps) an input error.
func Is(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
