package lock

import "testing"

func TestParsePDMGolden(t *testing.T) {
	runTOMLGolden(t, "pdm", "[[package]]")
}
