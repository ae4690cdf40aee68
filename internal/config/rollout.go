package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Rollout is the rollout: section: the rollout.Spec as written (strictly
// decoded, not yet defaulted or validated) and where each of its fields
// was written, so that rollout.Spec.Validate's field errors and the
// checks' queries can be reported at file:line:col. RolloutSpec returns
// the spec ready to run.
type Rollout struct {
	Spec rollout.Spec
	// Line and Col are where the section's value starts; 0 when absent.
	Line, Col int

	written bool
	keys    map[string]position // "steps[1].setWeight" → its key; "steps[1]" → the item
	values  map[string]position // the same paths → their values
}

// At is where the field at path (a rollout.FieldError path such as
// "steps[2].analysis.checks") was written: its key, or the deepest part of
// the path that was written, or the section itself.
func (r Rollout) At(path string) (line, col int) {
	p, at := "", position{r.Line, r.Col}
	for _, m := range pathPart.FindAllStringSubmatch(path, -1) {
		if m[1] != "" {
			p = strings.TrimPrefix(p+"."+m[1], ".")
		} else {
			p += "[" + m[2] + "]"
		}
		k, ok := r.keys[p]
		if !ok {
			break
		}
		at = k
	}
	return at.line, at.col
}

// ValueAt is where the value at path was written; ok is false when it was not.
func (r Rollout) ValueAt(path string) (line, col int, ok bool) {
	v, ok := r.values[path]
	return v.line, v.col, ok
}

var pathPart = regexp.MustCompile(`([^.\[\]]+)|\[(\d+)\]`)

// decodeRollout decodes the rollout: section node strictly: unknown keys and
// values of the wrong type are *inputerr.Error at their line.
func decodeRollout(node *yaml.Node, file string) (Rollout, error) {
	r := Rollout{Line: node.Line, Col: node.Column, written: true, keys: map[string]position{}, values: map[string]position{}}
	index(node, "", r.keys, r.values)
	// Re-encode the subtree and decode strictly so unknown keys are errors.
	var buf bytes.Buffer
	if err := yaml.NewEncoder(&buf).Encode(node); err != nil {
		return r, &inputerr.Error{Path: file, Line: node.Line, Col: node.Column, Msg: "rollout", Err: err}
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(&r.Spec); err != nil {
		return r, locateDecodeError(node, file, err)
	}
	return r, nil
}

// index records the position of every key, list item and value under n.
func index(n *yaml.Node, path string, keys, values map[string]position) {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := strings.TrimPrefix(path+"."+k.Value, ".")
			if _, dup := keys[p]; dup {
				continue
			}
			keys[p], values[p] = position{k.Line, k.Column}, position{v.Line, v.Column}
			index(v, p, keys, values)
		}
	case yaml.SequenceNode:
		for i, it := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			keys[p], values[p] = position{it.Line, it.Column}, position{it.Line, it.Column}
			index(it, p, keys, values)
		}
	}
}

var unknownField = regexp.MustCompile(`field (\S+) not found`)

// locateDecodeError points a strict-decode error at the key it names.
func locateDecodeError(node *yaml.Node, file string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &inputerr.Error{Path: file, Line: node.Line, Col: node.Column, Msg: "rollout", Err: err}
	}
	var errs []error
	for _, msg := range te.Errors {
		line, col := node.Line, node.Column
		text := msg
		if m := unknownField.FindStringSubmatch(msg); m != nil {
			if k := findKey(node, m[1]); k != nil {
				line, col = k.Line, k.Column
			}
			text = fmt.Sprintf("unknown key %q under rollout (see docs/rollout.md for the schema)", m[1])
		} else if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i > 0 {
			// "line N: cannot unmarshal ..." — N counts from the section start.
			if n, e := strconv.Atoi(strings.TrimPrefix(msg[:i], "line ")); e == nil {
				line, col = node.Line+n-1, 0
				if len(node.Content) > 0 {
					line = node.Content[0].Line + n - 1
				}
			}
			text = msg[i+2:]
		}
		errs = append(errs, &inputerr.Error{Path: file, Line: line, Col: col, Msg: "rollout: " + text})
	}
	return errors.Join(errs...)
}

// findKey returns the first mapping key named name in node's subtree.
func findKey(node *yaml.Node, name string) *yaml.Node {
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == name {
				return node.Content[i]
			}
		}
	}
	for _, c := range node.Content {
		if k := findKey(c, name); k != nil {
			return k
		}
	}
	return nil
}
