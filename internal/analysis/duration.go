package analysis

import (
	"fmt"
	"time"
)

// Duration is a time.Duration written as a Go duration string ("30s", "5m",
// "1h30m") in YAML and JSON. It works with gopkg.in/yaml.v3, sigs.k8s.io/yaml
// and encoding/json through the encoding.Text(Un)Marshaler interfaces.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats d like time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes d as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a Go duration string; an empty string is zero.
func (d *Duration) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: expected a Go duration such as 30s, 5m or 1h30m", string(b))
	}
	*d = Duration(v)
	return nil
}
