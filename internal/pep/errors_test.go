package pep

import (
	"errors"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestInputError(t *testing.T) {
	// `requests>=2; python_version >= 3` starting at column 5 of line 7.
	_, err := ParseRequirement(`requests>=2; python_version >= 3`)
	ie := InputError(err, "requirements.txt", 7, 5)
	if ie.Line != 7 || ie.Col != 5+32-1 {
		t.Errorf("InputError at %d:%d, want 7:36 (%v)", ie.Line, ie.Col, ie)
	}
	if got := ie.Error(); got != `requirements.txt:7:36: marker: expected a marker variable or a quoted string, got "3" (string values need quotes)` {
		t.Errorf("Error() = %s", got)
	}
	if !inputerr.Is(ie) {
		t.Error("not an input error")
	}
	plain := errors.New("boom")
	if ie := InputError(plain, "f", 1, 2); ie.Col != 2 || !errors.Is(ie, plain) {
		t.Errorf("plain error: %+v", ie)
	}
	_, err = ParseWheelFilename("x.zip")
	if ie := InputError(err, "f", 1, 3); ie.Col != 3 {
		t.Errorf("column-less syntax error placed at %d, want 3", ie.Col)
	}
}
