package notify

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// decoder walks yaml nodes strictly: unknown keys, duplicates and values of
// the wrong shape are errors at their line and column.
type decoder struct{ path string }

func (d decoder) at(n *yaml.Node, format string, args ...any) error {
	return inputerr.At(d.path, n.Line, n.Column, format, args...)
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

func (d decoder) mapping(n *yaml.Node, key string, fields map[string]func(*yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return d.at(n, "%s: expected a mapping with keys %s, got %s", key, sortedKeys(fields), describe(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if !ok {
			return d.at(k, "%s: unknown key %q (expected one of: %s)", key, k.Value, sortedKeys(fields))
		}
		if seen[k.Value] {
			return d.at(k, "%s: duplicate key %q", key, k.Value)
		}
		seen[k.Value] = true
		if deref(v).Tag == "!!null" {
			continue
		}
		if err := f(v); err != nil {
			return err
		}
	}
	return nil
}

func (d decoder) list(n *yaml.Node, key string, item func(int, *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return d.at(n, "%s: expected a list, got %s", key, describe(n))
	}
	for i, it := range n.Content {
		if err := item(i, deref(it)); err != nil {
			return err
		}
	}
	return nil
}

func (d decoder) str(n *yaml.Node, key string, out *string) error {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return d.at(n, "%s: expected a string, got %s", key, describe(n))
	}
	*out = n.Value
	return nil
}

func (d decoder) env(n *yaml.Node, key string, out *string) error {
	if err := d.str(n, key, out); err != nil {
		return err
	}
	if !envName.MatchString(*out) {
		return d.at(deref(n), "%s: expected an environment variable name (letters, digits, _), got %q", key, *out)
	}
	return nil
}

func (d decoder) positive(n *yaml.Node, key string, out *int) error {
	n = deref(n)
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < 1 || v > 10000 {
		return d.at(n, "%s: expected an integer from 1 to 10000, got %s", key, describe(n))
	}
	*out = v
	return nil
}

func describe(n *yaml.Node) string {
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
