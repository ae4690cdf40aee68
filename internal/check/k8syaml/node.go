package k8syaml

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// Node is a node of a manifest's YAML tree (yaml.v3's), with its Line and
// Column; rules take nodes from here and never import a YAML library.
type Node = yaml.Node

// IsMapping reports whether n is a mapping (an object).
func IsMapping(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.MappingNode
}

// Get follows keys through nested mappings (aliases resolved); nil when a
// key is missing or a node on the way is not a mapping.
func Get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = deref(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return deref(n)
}

// KeyLine is the line of key in mapping n (where a finding about the field
// points), else n's own line, else 0.
func KeyLine(n *yaml.Node, key string) int {
	n = deref(n)
	if n == nil {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	return n.Line
}

// Items are the elements of a sequence node; nil for anything else.
func Items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, deref(c))
	}
	return out
}

// Pairs are the key/value pairs of a mapping node, in order.
func Pairs(n *yaml.Node) [][2]*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], deref(n.Content[i+1])})
	}
	return out
}

// Str is a scalar's value; "" for a missing or non-scalar node and null.
func Str(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// Strs are the scalar values of a sequence.
func Strs(n *yaml.Node) []string {
	var out []string
	for _, c := range Items(n) {
		out = append(out, Str(c))
	}
	return out
}

// Int is a scalar's integer value; ok is false when it is missing or not
// an integer.
func Int(n *yaml.Node) (int, bool) {
	s := Str(n)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 0, 32)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// Bool is a scalar's boolean value; set is false when it is missing or not
// a boolean.
func Bool(n *yaml.Node) (v, set bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		return false, false
	}
	return b, true
}

// deref follows an alias node to what it names (one level: yaml.v3 does
// not let an alias name an alias).
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}
