package lock

import "testing"

func TestParseUVGolden(t *testing.T) {
	runTOMLGolden(t, "uv", "[[package]]")
}
