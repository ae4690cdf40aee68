package driver

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

// DecodeSpec decodes the `rollout:` section of pinwheel.yaml (kept raw by
// internal/config) into a validated rollout.Spec. Every problem is an
// *inputerr.Error at the offending key's line and column in file.
func DecodeSpec(node *yaml.Node, file string) (rollout.Spec, error) {
	var spec rollout.Spec
	if node == nil || node.Kind == 0 {
		return spec, &inputerr.Error{Path: file, Msg: "no rollout: section (expected rollout.steps, see docs/rollout.md)"}
	}
	// Re-encode the subtree and decode strictly so unknown keys are errors.
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(node); err != nil {
		return spec, &inputerr.Error{Path: file, Line: node.Line, Col: node.Column, Msg: "rollout", Err: err}
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return spec, locateDecodeError(node, file, err)
	}
	spec = spec.Defaults()
	if err := spec.Validate(); err != nil {
		var errs []error
		for _, fe := range rollout.FieldErrors(err) {
			n := lookup(node, fe.Path)
			errs = append(errs, &inputerr.Error{Path: file, Line: n.Line, Col: n.Column, Msg: "rollout." + fe.Path + ": " + fe.Msg})
		}
		if len(errs) == 0 {
			errs = append(errs, &inputerr.Error{Path: file, Line: node.Line, Col: node.Column, Msg: "rollout", Err: err})
		}
		return spec, errors.Join(errs...)
	}
	return spec, nil
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

var pathPart = regexp.MustCompile(`([^.\[\]]+)|\[(\d+)\]`)

// lookup walks a FieldError path ("steps[2].analysis.checks") down node and
// returns the deepest node it reaches (the key node for mapping entries).
func lookup(node *yaml.Node, path string) *yaml.Node {
	cur, at := node, node
	for _, m := range pathPart.FindAllStringSubmatch(path, -1) {
		switch {
		case m[1] != "" && cur.Kind == yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if cur.Content[i].Value == m[1] {
					at, cur, found = cur.Content[i], cur.Content[i+1], true
					break
				}
			}
			if !found {
				return at
			}
		case m[2] != "" && cur.Kind == yaml.SequenceNode:
			i, _ := strconv.Atoi(m[2])
			if i >= len(cur.Content) {
				return at
			}
			cur = cur.Content[i]
			at = cur
		default:
			return at
		}
	}
	return at
}
