package notify

import (
	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/yamlnode"
)

// decoder walks the notify: section strictly (yamlnode), adding the checks
// only notify needs.
type decoder struct{ yamlnode.Decoder }

// env decodes the name of an environment variable.
func (d decoder) env(n *yaml.Node, key string, out *string) error {
	if err := d.Str(n, key, out); err != nil {
		return err
	}
	if !envName.MatchString(*out) {
		return d.At(yamlnode.Deref(n), "%s: expected an environment variable name (letters, digits, _), got %q", key, *out)
	}
	return nil
}
