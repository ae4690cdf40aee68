package lock

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"

	"pinwheel.dev/pinwheel/internal/pep"
)

// tval is a decoded TOML value and the key path it was found at.
type tval struct {
	v    any
	path string
}

// tomlReader reads typed values out of a tomlDoc for the lockfile parsers.
// It keeps the first error (an *inputerr.Error at the offending key) and
// returns zero values after it, so parsers read straight through and check
// err once per entry.
type tomlReader struct {
	doc *tomlDoc
	err error
}

func newTOMLReader(path string, data []byte) (*tomlReader, error) {
	doc, err := decodeTOMLDoc(path, data)
	if err != nil {
		return nil, err
	}
	return &tomlReader{doc: doc}, nil
}

func (r *tomlReader) root() tval { return tval{v: r.doc.root} }

// failf records an error at keyPath unless one is already recorded.
func (r *tomlReader) failf(keyPath, format string, args ...any) {
	if r.err == nil {
		r.err = r.doc.errAt(keyPath, format, args...)
	}
}

// line is the 1-based line where the table at t starts: its [header], or
// for an inline table in an array, its opening brace.
func (r *tomlReader) line(t tval) int {
	if n := r.doc.headerLine(t.path); n > 0 {
		return n
	}
	return r.doc.keyLine(t.path)
}

func (r *tomlReader) get(t tval, key string) (tval, bool) {
	v, ok := lookup(t, key)
	return tval{v: v, path: joinKey(t.path, key)}, ok
}

// lookup is get without the key path, for the hot leaf readers: the path
// is only built (by at) when there is an error to report.
func lookup(t tval, key string) (any, bool) {
	m, _ := t.v.(map[string]any)
	v, ok := m[key]
	return v, ok
}

func at(t tval, key string, v any) tval { return tval{v: v, path: joinKey(t.path, key)} }

func (r *tomlReader) has(t tval, key string) bool {
	_, ok := lookup(t, key)
	return ok
}

func (r *tomlReader) wrongType(v tval, want string) {
	r.failf(v.path, "%s: expected %s, found %s", v.path, want, tomlTypeName(v.v))
}

// str is an optional string; "" when absent.
func (r *tomlReader) str(t tval, key string) string {
	v, ok := lookup(t, key)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		r.wrongType(at(t, key, v), "a string")
	}
	return s
}

// requiredStr is a string that must be present and non-empty.
func (r *tomlReader) requiredStr(t tval, key, what string) string {
	v, ok := r.get(t, key)
	if !ok {
		r.failf(t.path, "%s: missing %q (%s)", pathOrTop(t.path), key, what)
		return ""
	}
	s := r.str(t, key)
	if s == "" && r.err == nil {
		r.failf(v.path, "%s: empty, expected %s", v.path, what)
	}
	return s
}

func (r *tomlReader) boolean(t tval, key string) bool {
	v, ok := lookup(t, key)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		r.wrongType(at(t, key, v), "true or false")
	}
	return b
}

// size is an optional non-negative integer.
func (r *tomlReader) size(t tval, key string) int64 {
	v, ok := lookup(t, key)
	if !ok {
		return 0
	}
	n, isInt := v.(int64)
	switch {
	case !isInt:
		r.wrongType(at(t, key, v), "an integer")
	case n < 0:
		p := joinKey(t.path, key)
		r.failf(p, "%s: expected a size in bytes, found %d", p, n)
	}
	return n
}

// table is an optional table (header or inline).
func (r *tomlReader) table(t tval, key string) (tval, bool) {
	v, ok := r.get(t, key)
	if !ok {
		return tval{}, false
	}
	if _, isMap := v.v.(map[string]any); !isMap {
		r.wrongType(v, "a table")
		return tval{}, false
	}
	return v, true
}

// tables is an optional array of tables ([[x]] or [{...}, ...]).
func (r *tomlReader) tables(t tval, key string) []tval {
	v, ok := r.get(t, key)
	if !ok {
		return nil
	}
	arr, isArr := v.v.([]any)
	if !isArr {
		r.wrongType(v, "an array of tables")
		return nil
	}
	out := make([]tval, 0, len(arr))
	for i, e := range arr {
		ev := tval{v: e, path: indexKey(v.path, i)}
		if _, isMap := e.(map[string]any); !isMap {
			r.wrongType(ev, "a table")
			return nil
		}
		out = append(out, ev)
	}
	return out
}

// strs is an optional array of strings.
func (r *tomlReader) strs(t tval, key string) []string {
	v, ok := lookup(t, key)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		r.wrongType(at(t, key, v), "an array of strings")
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			r.wrongType(tval{v: e, path: indexKey(joinKey(t.path, key), i)}, "a string")
			return nil
		}
		out = append(out, s)
	}
	return out
}

// datetime checks an optional TOML datetime (strings are accepted too, as
// some writers quote them).
func (r *tomlReader) datetime(t tval, key string) {
	v, ok := lookup(t, key)
	if !ok {
		return
	}
	switch v.(type) {
	case time.Time, toml.LocalDateTime, toml.LocalDate, string:
	default:
		r.wrongType(at(t, key, v), "a datetime")
	}
}

// sortedKeys are the keys of table t in byte order.
func sortedKeys(t tval) []string {
	m, _ := t.v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func pathOrTop(p string) string {
	if p == "" {
		return "top-level table"
	}
	return p
}

func tomlTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	case time.Time, toml.LocalDateTime, toml.LocalDate, toml.LocalTime:
		return "a datetime"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
}

// distName reads a required PEP 508 distribution name at t.name and
// returns it PEP 503-normalised.
func (r *tomlReader) distName(t tval, what string) string {
	s := r.requiredStr(t, "name", what)
	if r.err == nil && !validDistName(s) {
		p := joinKey(t.path, "name")
		r.failf(p, "%s: %q is not a valid package name (letters, digits, '.', '-', '_', starting and ending with a letter or digit)", p, s)
	}
	return pep.NormalizeName(s)
}

// lockMetadata reads the [metadata] table poetry.lock and pdm.lock both
// require: its lock version (versionKey), whose major version must be one of
// majors, and its content hash (hashKey).
func (r *tomlReader) lockMetadata(top tval, format, versionKey, hashKey string, majors ...string) (tval, *Lock) {
	md, ok := r.table(top, "metadata")
	if !ok && r.err == nil {
		r.failf("", "missing [metadata] table (expected %s and %s)", versionKey, hashKey)
	}
	l := &Lock{LockVersion: r.str(md, versionKey)}
	major, _, _ := strings.Cut(l.LockVersion, ".")
	if major != "" && !slices.Contains(majors, major) && r.err == nil {
		r.failf("metadata."+versionKey, "%s %s %q is not supported (expected %s.x)",
			format, versionKey, l.LockVersion, strings.Join(majors, ".x or "))
	}
	l.ContentHash = r.str(md, hashKey)
	return md, l
}
