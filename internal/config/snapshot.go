package config

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// ValueDigest is what records keep of an env value instead of the value:
// "sha256:" and the first 16 hex digits of its SHA-256, enough to see that
// a value changed without revealing it.
func ValueDigest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// Snapshot reads the config file at path as plain values (keys as written),
// for records that outlive the build — provenance, the ledger — with every
// env: value replaced by its ValueDigest. Decoding is linear in the file.
func Snapshot(path string) (map[string]any, error) {
	data, err := safefs.ReadFile(context.Background(), filepath.Dir(path), path, 0)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(path, err)
	}
	out := map[string]any{}
	if len(doc.Content) == 0 {
		return out, nil
	}
	v, err := plain(path, doc.Content[0])
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, inputerr.At(path, doc.Content[0].Line, doc.Content[0].Column, "expected a mapping of keys")
	}
	if env, ok := m["env"].(map[string]any); ok {
		for k, v := range env {
			if s, ok := v.(string); ok {
				env[k] = ValueDigest(s)
			} else {
				env[k] = ValueDigest("")
			}
		}
	}
	// secretEnv holds references; a value written there by mistake (which
	// Load refuses) is still never recorded.
	if se, ok := m["secretEnv"].(map[string]any); ok {
		for k, v := range se {
			if _, ref := v.(map[string]any); !ref {
				se[k] = ValueDigest(fmt.Sprint(v))
			}
		}
	}
	return m, nil
}

// plain turns a YAML node into maps, lists and scalars. Unlike yaml.v3's
// Decode into a map it does not compare every key with every other, so a
// mapping with many keys costs linear time.
func plain(path string, n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := plain(path, n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := plain(path, c)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	default:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, inputerr.At(path, n.Line, n.Column, "%s", cleanYAMLError(err))
		}
		return v, nil
	}
}
