// Package yamlnode decodes hand-written sections of pinwheel.yaml strictly
// from yaml.v3 nodes: unknown keys, duplicates and values of the wrong shape
// are *inputerr.Error values at their line and column. It owns the walking;
// the packages that own a section (notify, deploy) own its schema.
package yamlnode

import (
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Decoder reports errors against the file at Path.
type Decoder struct{ Path string }

// Fields maps a mapping's keys to the functions decoding their values; each
// gets the key node (for positions) and the value node (aliases resolved).
type Fields map[string]func(k, v *yaml.Node) error

// At is an input error at n's position.
func (d Decoder) At(n *yaml.Node, format string, args ...any) error {
	return inputerr.At(d.Path, n.Line, n.Column, format, args...)
}

// Deref follows aliases and unwraps a document node.
func Deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return Deref(n.Content[0])
	}
	return n
}

// IsNull reports whether n is absent or an explicit null.
func IsNull(n *yaml.Node) bool {
	n = Deref(n)
	return n.Kind == 0 || n.Tag == "!!null"
}

// Mapping decodes the mapping n (named key in messages) field by field. A
// key with an empty (null) value is as if absent.
func (d Decoder) Mapping(n *yaml.Node, key string, fields Fields) error {
	n = Deref(n)
	if n.Kind != yaml.MappingNode {
		return d.At(n, "%s: expected a mapping with keys %s, got %s", key, Keys(fields), Describe(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if !ok {
			return d.At(k, "%s: unknown key %q (expected one of: %s)", key, k.Value, Keys(fields))
		}
		if seen[k.Value] {
			return d.At(k, "%s: duplicate key %q", key, k.Value)
		}
		seen[k.Value] = true
		if IsNull(v) {
			continue
		}
		if err := f(k, Deref(v)); err != nil {
			return err
		}
	}
	return nil
}

// List decodes the sequence n item by item.
func (d Decoder) List(n *yaml.Node, key string, item func(int, *yaml.Node) error) error {
	n = Deref(n)
	if n.Kind != yaml.SequenceNode {
		return d.At(n, "%s: expected a list, got %s", key, Describe(n))
	}
	for i, it := range n.Content {
		if err := item(i, Deref(it)); err != nil {
			return err
		}
	}
	return nil
}

// Str decodes a scalar string.
func (d Decoder) Str(n *yaml.Node, key string, out *string) error {
	n = Deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return d.At(n, "%s: expected a string, got %s", key, Describe(n))
	}
	*out = n.Value
	return nil
}

// Int decodes an integer in [lo, hi].
func (d Decoder) Int(n *yaml.Node, key string, lo, hi int, out *int) error {
	n = Deref(n)
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < lo || v > hi {
		return d.At(n, "%s: expected an integer from %d to %d, got %s", key, lo, hi, Describe(n))
	}
	*out = v
	return nil
}

// IsString reports whether n is a plain string scalar.
func IsString(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!str" }

// Describe names what n holds, for "got …" in messages.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!str":
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	return "nothing"
}

// Keys lists a field set's keys, sorted, comma-separated.
func Keys[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
