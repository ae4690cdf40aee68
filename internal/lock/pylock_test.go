package lock

import "testing"

func TestParsePylockGolden(t *testing.T) {
	runTOMLGolden(t, "pylock", "[[packages]]")
}
