package config

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// decodeStruct walks a mapping node into the struct pointed to by out,
// matching keys to `yaml` tags. Unknown keys and values of the wrong kind are
// reported at their line:col with the keys or type that were expected.
func decodeStruct(path, prefix string, n *yaml.Node, out any, pos map[string]position) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return inputerr.At(path, n.Line, n.Column, "%sexpected a mapping of keys, got %s", keyLabel(prefix), kindName(n))
	}
	v := reflect.ValueOf(out).Elem()
	fields := map[string]int{}
	for i := 0; i < v.NumField(); i++ {
		tag := strings.Split(v.Type().Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			fields[tag] = i
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := prefix + k.Value
		idx, ok := fields[k.Value]
		if !ok {
			return inputerr.At(path, k.Line, k.Column, "unknown key %q (expected one of: %s)", key, expectedKeys(fields))
		}
		if seen[k.Value] {
			return inputerr.At(path, k.Line, k.Column, "duplicate key %q", key)
		}
		seen[k.Value] = true
		pos[key] = position{val.Line, val.Column}
		if val.Kind == yaml.SequenceNode { // key.N: where item N is written
			for j, item := range val.Content {
				pos[key+"."+strconv.Itoa(j)] = position{item.Line, item.Column}
			}
		}
		f := v.Field(idx)
		switch {
		case sectionTypes[f.Type()]:
			// decoded by decodeSections
		case f.Type() == secretEnvType:
			if err := decodeSecretEnv(path, val, f, pos); err != nil {
				return err
			}
		case f.Kind() == reflect.Struct:
			if err := decodeStruct(path, key+".", val, f.Addr().Interface(), pos); err != nil {
				return err
			}
		default:
			if err := decodeValue(path, key, val, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeValue decodes a scalar, list or string map, checking its shape first
// so the error says what was expected rather than yaml's Go-typed message.
func decodeValue(path, key string, val *yaml.Node, f reflect.Value) error {
	if val.Kind == yaml.AliasNode {
		val = val.Alias
	}
	if val.Tag == "!!null" {
		return nil // explicit null keeps the default
	}
	want := ""
	switch f.Kind() {
	case reflect.String:
		if val.Kind != yaml.ScalarNode {
			want = "a string"
		}
	case reflect.Int:
		if val.Kind != yaml.ScalarNode || val.Tag != "!!int" {
			want = "an integer"
		}
	case reflect.Bool:
		if val.Kind != yaml.ScalarNode || val.Tag != "!!bool" {
			want = "true or false"
		}
	case reflect.Slice:
		if val.Kind != yaml.SequenceNode {
			want = "a list of strings"
			if key == "entrypoint" || key == "cmd" {
				want = "a list of strings (exec form), e.g. [\"python\", \"-m\", \"app\"]"
			}
		} else {
			for _, it := range val.Content {
				if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
					return inputerr.At(path, it.Line, it.Column, "%s: expected a string list item, got %s", key, kindName(it))
				}
			}
		}
	case reflect.Map:
		if val.Kind != yaml.MappingNode {
			want = "a mapping of string keys to string values"
		} else {
			return decodeStringMap(path, key, val, f)
		}
	}
	if want != "" {
		return inputerr.At(path, val.Line, val.Column, "%s: expected %s, got %s", key, want, kindName(val))
	}
	if err := val.Decode(f.Addr().Interface()); err != nil {
		return inputerr.At(path, val.Line, val.Column, "%s: %s", key, cleanYAMLError(err))
	}
	return nil
}

func expectedKeys(fields map[string]int) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func keyLabel(prefix string) string {
	if prefix == "" {
		return "top level: "
	}
	return strings.TrimSuffix(prefix, ".") + ": "
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int":
			return "the integer " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlSyntaxError turns a yaml.v3 syntax error ("yaml: line 3: ...") into an input error.
func yamlSyntaxError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return inputerr.At(path, line, 0, "invalid YAML: %s", m[2])
	}
	return inputerr.At(path, 0, 0, "invalid YAML: %s", msg)
}

func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return strings.TrimSpace(m[2])
	}
	return strings.TrimSpace(msg)
}

// MaxMapKeys bounds the keys of one string map (env, labels).
const MaxMapKeys = 4096

// decodeStringMap decodes a mapping of scalars into a map[string]string in
// linear time (yaml.v3's own map decoding compares every key with every
// other), reporting duplicates and shapes at their line:col.
func decodeStringMap(path, key string, val *yaml.Node, f reflect.Value) error {
	if n := len(val.Content) / 2; n > MaxMapKeys {
		return inputerr.At(path, val.Line, val.Column, "%s: %d keys, more than the %d allowed", key, n, MaxMapKeys)
	}
	m := make(map[string]string, len(val.Content)/2)
	for i := 0; i+1 < len(val.Content); i += 2 {
		k, v := val.Content[i], val.Content[i+1]
		for _, it := range []*yaml.Node{k, v} {
			if it.Kind != yaml.ScalarNode {
				return inputerr.At(path, it.Line, it.Column, "%s: expected string keys and values, got %s", key, kindName(it))
			}
		}
		if _, dup := m[k.Value]; dup {
			return inputerr.At(path, k.Line, k.Column, "%s: duplicate key %q", key, k.Value)
		}
		if v.Tag == "!!null" {
			m[k.Value] = ""
		} else {
			m[k.Value] = v.Value
		}
	}
	f.Set(reflect.ValueOf(m))
	return nil
}
