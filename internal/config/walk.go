package config

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// walker decodes the hand-written sections of pinwheel.yaml (runtime,
// notify, the controller's file) strictly from yaml.v3 nodes: unknown keys,
// duplicates and values of the wrong shape are *inputerr.Error values at
// their line and column in the file at path.
type walker struct{ path string }

// fields maps a mapping's keys to the functions decoding their values; each
// gets the key node (for positions) and the value node (aliases resolved).
type fields map[string]func(k, v *yaml.Node) error

// at is an input error at n's position.
func (d walker) at(n *yaml.Node, format string, args ...any) error {
	return inputerr.At(d.path, n.Line, n.Column, format, args...)
}

// deref follows aliases and unwraps a document node.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

// isNull reports whether n is absent or an explicit null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == 0 || n.Tag == "!!null"
}

// mapping decodes the mapping n (named key in messages) field by field. A
// key with an empty (null) value is as if absent.
func (d walker) mapping(n *yaml.Node, key string, fields fields) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return d.at(n, "%s: expected a mapping with keys %s, got %s", key, strings.Join(sortedKeys(fields), ", "), kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if !ok {
			return d.at(k, "%s: unknown key %q (expected one of: %s)", key, k.Value, strings.Join(sortedKeys(fields), ", "))
		}
		if seen[k.Value] {
			return d.at(k, "%s: duplicate key %q", key, k.Value)
		}
		seen[k.Value] = true
		if isNull(v) {
			continue
		}
		if err := f(k, deref(v)); err != nil {
			return err
		}
	}
	return nil
}

// list decodes the sequence n item by item.
func (d walker) list(n *yaml.Node, key string, item func(int, *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return d.at(n, "%s: expected a list, got %s", key, kindName(n))
	}
	for i, it := range n.Content {
		if err := item(i, deref(it)); err != nil {
			return err
		}
	}
	return nil
}

// str decodes a scalar string.
func (d walker) str(n *yaml.Node, key string, out *string) error {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return d.at(n, "%s: expected a string, got %s", key, kindName(n))
	}
	*out = n.Value
	return nil
}

// intIn decodes an integer in [lo, hi].
func (d walker) intIn(n *yaml.Node, key string, lo, hi int, out *int) error {
	n = deref(n)
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < lo || v > hi {
		return d.at(n, "%s: expected an integer from %d to %d, got %s", key, lo, hi, kindName(n))
	}
	*out = v
	return nil
}

// isString reports whether n is a plain string scalar.
func isString(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!str" }
