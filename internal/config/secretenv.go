package config

import (
	"path"
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// SecretRef says where the value of one `secretEnv:` variable comes from.
// pinwheel.yaml never holds the value: locally the deploying process reads
// it from its own environment (FromEnv) or a file (FromFile, inside the
// project or a directory listed in $PINWHEEL_SECRET_DIRS); on Kubernetes
// the pod reads it from a Secret (SecretKeyRef). One entry may name a local
// source and a Secret, so the same file serves both targets.
type SecretRef struct {
	FromEnv      string        `yaml:"fromEnv"`
	FromFile     string        `yaml:"fromFile"`
	SecretKeyRef *SecretKeyRef `yaml:"secretKeyRef"`
}

// SecretKeyRef names one key of a Kubernetes Secret in the Release's
// namespace.
type SecretKeyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

// Local says whether the reference can be resolved by a deploying process.
func (r SecretRef) Local() bool { return r.FromEnv != "" || r.FromFile != "" }

// String describes the reference (never a value), for messages and records.
func (r SecretRef) String() string {
	var parts []string
	if r.FromEnv != "" {
		parts = append(parts, "fromEnv "+r.FromEnv)
	}
	if r.FromFile != "" {
		parts = append(parts, "fromFile "+r.FromFile)
	}
	if r.SecretKeyRef != nil {
		parts = append(parts, "secretKeyRef "+r.SecretKeyRef.Name+"/"+r.SecretKeyRef.Key)
	}
	return strings.Join(parts, ", ")
}

var (
	secretNameRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	secretKeyRe  = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

	secretEnvType = reflect.TypeOf(map[string]SecretRef{})
)

// decodeSecretEnv decodes `secretEnv:` — a mapping of variable names to
// references — reporting a literal value (the mistake the key exists to
// prevent) without echoing it.
func decodeSecretEnv(path string, val *yaml.Node, f reflect.Value, pos map[string]position) error {
	if val.Kind == yaml.AliasNode {
		val = val.Alias
	}
	if val.Tag == "!!null" {
		return nil
	}
	if val.Kind != yaml.MappingNode {
		return inputerr.At(path, val.Line, val.Column, "secretEnv: expected a mapping of variable names to references, e.g. DB_PASSWORD: {fromEnv: PG_PASS}")
	}
	if n := len(val.Content) / 2; n > MaxMapKeys {
		return inputerr.At(path, val.Line, val.Column, "secretEnv: %d keys, more than the %d allowed", n, MaxMapKeys)
	}
	m := make(map[string]SecretRef, len(val.Content)/2)
	for i := 0; i+1 < len(val.Content); i += 2 {
		k, v := val.Content[i], val.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return inputerr.At(path, k.Line, k.Column, "secretEnv: expected a variable name, got %s", kindName(k))
		}
		if _, dup := m[k.Value]; dup {
			return inputerr.At(path, k.Line, k.Column, "secretEnv: duplicate key %q", k.Value)
		}
		key := "secretEnv." + k.Value
		pos[key] = position{v.Line, v.Column}
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if v.Kind != yaml.MappingNode {
			// Never kindName(v): that would quote the literal, a secret.
			return inputerr.At(path, v.Line, v.Column,
				"%s: expected a reference, not a value: {fromEnv: VAR}, {fromFile: PATH} or {secretKeyRef: {name: SECRET, key: KEY}}", key)
		}
		var ref SecretRef
		if err := decodeStruct(path, key+".", v, &ref, pos); err != nil {
			return err
		}
		m[k.Value] = ref
	}
	f.Set(reflect.ValueOf(m))
	return nil
}

// validateSecretEnv checks secretEnv's names and references.
func (c *Config) validateSecretEnv(bad func(key, format string, args ...any)) {
	for _, name := range sortedKeys(c.SecretEnv) {
		key := "secretEnv." + name
		ref := c.SecretEnv[name]
		if !envKeyRe.MatchString(name) {
			bad("secretEnv", "%q is not a valid environment variable name", name)
		}
		if _, both := c.Env[name]; both {
			bad(key, "%s is also set in env:; a variable comes from one place", name)
		}
		switch {
		case ref.FromEnv != "" && ref.FromFile != "":
			bad(key, "set fromEnv or fromFile, not both")
		case !ref.Local() && ref.SecretKeyRef == nil:
			bad(key, "needs a reference: fromEnv, fromFile (local target) and/or secretKeyRef (Kubernetes)")
		}
		if ref.FromEnv != "" && !envKeyRe.MatchString(ref.FromEnv) {
			bad(key+".fromEnv", "%q is not a valid environment variable name", ref.FromEnv)
		}
		if f := ref.FromFile; f != "" && (strings.ContainsRune(f, 0) || (!path.IsAbs(f) && !localPath(f))) {
			bad(key+".fromFile", "%q must be a path inside the project, or an absolute path inside a directory listed in $PINWHEEL_SECRET_DIRS", f)
		}
		if s := ref.SecretKeyRef; s != nil {
			if len(s.Name) > 253 || !secretNameRe.MatchString(s.Name) {
				bad(key+".secretKeyRef.name", "%q is not a Secret name (lowercase letters, digits, '-' and '.')", s.Name)
			}
			if len(s.Key) > 253 || !secretKeyRe.MatchString(s.Key) {
				bad(key+".secretKeyRef.key", "%q is not a Secret key (letters, digits, '-', '_' and '.')", s.Key)
			}
		}
	}
}

// SecretEnvNames lists secretEnv's variables, sorted.
func (c *Config) SecretEnvNames() []string { return sortedKeys(c.SecretEnv) }
