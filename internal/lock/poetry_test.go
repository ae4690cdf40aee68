package lock

import "testing"

func TestParsePoetryGolden(t *testing.T) {
	runTOMLGolden(t, "poetry", "[[package]]")
}
