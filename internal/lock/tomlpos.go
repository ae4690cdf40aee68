package lock

import (
	"errors"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// tomlDoc is a decoded TOML lockfile that can say where any value sits.
//
// Values are decoded by go-toml into plain maps and slices; positions come
// from a second pass with go-toml's position-aware parser. Key paths are
// written "package[3].wheels[1].hash": dotted keys, [i] for array elements
// (0-based), as the decoded value tree is addressed.
type tomlDoc struct {
	path string
	data []byte
	root map[string]any
	// headers maps the path of each [table] / [[array-table]] element to
	// its header's position; always built (it is what Package.Line needs).
	headers map[string]tomlPos
	// keys maps every key and array element to its position; built only
	// when an error needs it.
	keys map[string]tomlPos
}

type tomlPos struct{ line, col int }

// decodeTOMLDoc parses data as TOML. Syntax errors become *inputerr.Error
// at the offending line and column.
func decodeTOMLDoc(path string, data []byte) (*tomlDoc, error) {
	root := map[string]any{}
	if err := toml.Unmarshal(data, &root); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, &inputerr.Error{Path: path, Line: max(line, 1), Col: col,
				Msg: "invalid TOML: " + strings.TrimPrefix(de.Error(), "toml: ")}
		}
		return nil, &inputerr.Error{Path: path, Line: 1, Msg: "invalid TOML", Err: err}
	}
	d := &tomlDoc{path: path, data: data, root: root}
	d.headers = tomlPositions(data, false)
	return d, nil
}

// headerLine is the 1-based line of the header of the table at keyPath
// (e.g. "package[3]"), or 0 when it has none (an inline table).
func (d *tomlDoc) headerLine(keyPath string) int {
	return d.headers[keyPath].line
}

// keyLine is the 1-based line of the key or array element at keyPath, or
// of the nearest enclosing one the document spells out.
func (d *tomlDoc) keyLine(keyPath string) int {
	return d.errAt(keyPath, "").Line
}

// errAt is an input error at keyPath, or at the nearest enclosing key or
// table that the document spells out when keyPath itself is absent.
func (d *tomlDoc) errAt(keyPath, format string, args ...any) *inputerr.Error {
	if d.keys == nil {
		d.keys = tomlPositions(d.data, true)
	}
	msg := inputerr.Sprintf(format, args...)
	for p := keyPath; ; p = parentKeyPath(p) {
		if pos, ok := d.keys[p]; ok {
			return &inputerr.Error{Path: d.path, Line: pos.line, Col: pos.col, Msg: msg}
		}
		if p == "" {
			return &inputerr.Error{Path: d.path, Line: 1, Col: 1, Msg: msg}
		}
	}
}

// parentKeyPath drops the last ".key" or "[i]" of p.
func parentKeyPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func joinKey(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

func indexKey(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}

// tomlPositions walks the document's expressions and records where each
// table header (and, with keys, each key and array element) is. The
// document has already decoded cleanly, so the parser cannot fail here;
// should it, the positions found so far are returned.
func tomlPositions(data []byte, keys bool) map[string]tomlPos {
	w := posWalker{out: map[string]tomlPos{}, arrays: map[string]int{}, keys: keys, lines: newLineIndex(data)}
	w.p.Reset(data)
	for w.p.NextExpression() {
		w.expression(w.p.Expression())
	}
	return w.out
}

type posWalker struct {
	p      unstable.Parser
	out    map[string]tomlPos
	arrays map[string]int // element count of each array of tables
	table  string         // path of the current [table]
	keys   bool
	// lines turns offsets into line:col in O(log n); the parser's own
	// Shape rescans the input from the start on every call.
	lines lineIndex
}

func (w *posWalker) pos(n *unstable.Node) tomlPos {
	if n == nil || n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return tomlPos{}
	}
	line, col := w.lines.position(int(n.Raw.Offset))
	return tomlPos{line: line, col: col}
}

func (w *posWalker) expression(n *unstable.Node) {
	switch n.Kind {
	case unstable.Table, unstable.ArrayTable:
		var parts []string
		var first *unstable.Node
		it := n.Key()
		for it.Next() {
			if first == nil {
				first = it.Node()
			}
			parts = append(parts, string(it.Node().Data))
		}
		path := ""
		for i, part := range parts {
			path = joinKey(path, part)
			last := i == len(parts)-1
			if n.Kind == unstable.ArrayTable && last {
				c := w.arrays[path]
				w.arrays[path] = c + 1
				path = indexKey(path, c)
			} else if c := w.arrays[path]; c > 0 {
				path = indexKey(path, c-1)
			}
		}
		w.table = path
		pos := w.pos(first)
		pos.col = 1
		w.out[path] = pos
	case unstable.KeyValue:
		if w.keys {
			w.keyValue(w.table, n)
		}
	}
}

// keyValue records a key = value pair under base, descending into inline
// tables and arrays.
func (w *posWalker) keyValue(base string, n *unstable.Node) {
	path := base
	var last *unstable.Node
	it := n.Key()
	for it.Next() {
		last = it.Node()
		path = joinKey(path, string(last.Data))
	}
	w.out[path] = w.pos(last)
	w.value(path, n.Value())
}

func (w *posWalker) value(path string, v *unstable.Node) {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			w.keyValue(path, it.Node())
		}
	case unstable.Array:
		it := v.Children()
		for i := 0; it.Next(); i++ {
			elem := it.Node()
			p := indexKey(path, i)
			if pos := w.pos(elem); pos.line > 0 {
				w.out[p] = pos
			}
			w.value(p, elem)
		}
	}
}
