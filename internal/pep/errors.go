package pep

import (
	"errors"
	"fmt"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// SyntaxError reports where a string failed to parse. Col is 1-based and
// counts bytes of Input; 0 means the whole string is at fault. Callers that
// know the file and line turn it into an inputerr.Error with InputError.
type SyntaxError struct {
	Kind  string // "version", "specifier", "marker", "requirement", "wheel filename", ...
	Input string
	Col   int
	Msg   string
}

func (e *SyntaxError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%s: col %d: %s", e.Kind, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Msg)
}

func syntaxErr(kind, input string, col int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Kind: kind, Input: input, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// InputError places a parse error from this package in a file: col is the
// 1-based column where the parsed text starts on line. A *SyntaxError's own
// column is added to it; other errors are reported at col.
func InputError(err error, path string, line, col int) *inputerr.Error {
	var se *SyntaxError
	if errors.As(err, &se) {
		at := col
		if se.Col > 0 && col > 0 {
			at = col + se.Col - 1
		}
		return &inputerr.Error{Path: path, Line: line, Col: at, Msg: se.Kind + ": " + se.Msg}
	}
	return &inputerr.Error{Path: path, Line: line, Col: col, Err: err}
}
