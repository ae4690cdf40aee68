package lock

import (
	"encoding/json"
	"errors"
	"sort"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// lineIndex maps byte offsets in a file to 1-based line and column numbers.
type lineIndex []int // byte offset at which each line starts

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// position returns the 1-based line and column of byte offset off.
func (idx lineIndex) position(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	i := sort.Search(len(idx), func(i int) bool { return idx[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - idx[i] + 1
}

// jsonError turns an encoding/json error at absolute offset base+err.Offset
// into an input error naming file:line:col. base is where the decoded value
// starts (0 for a whole-document decode).
func jsonError(path string, idx lineIndex, base int64, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// Offset counts the offending byte itself.
		line, col := idx.position(int(base + max(syn.Offset-1, 0)))
		return inputerr.At(path, line, col, "invalid JSON: %v", syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		line, col := idx.position(int(base + typ.Offset))
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return inputerr.At(path, line, col, "%s: expected %s, found JSON %s", field, jsonTypeName(typ.Type.Kind().String()), typ.Value)
	}
	if errors.Is(err, errUnexpectedEOF) {
		line, col := idx.position(int(base))
		return inputerr.At(path, line, col, "unexpected end of JSON input")
	}
	line, col := idx.position(int(base))
	return inputerr.At(path, line, col, "invalid JSON: %v", err)
}

var errUnexpectedEOF = errors.New("unexpected EOF")

func jsonTypeName(kind string) string {
	switch kind {
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "interface":
		return "a value"
	}
	return "a " + kind
}
