package pep

import "fmt"

// SyntaxError reports where a string failed to parse. Col is 1-based and
// counts bytes of Input; 0 means the whole string is at fault. Callers that
// know the file and line wrap it into an inputerr.Error using Col.
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
