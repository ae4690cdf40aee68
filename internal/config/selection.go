package config

import (
	"errors"
	"fmt"

	"pinwheel.dev/pinwheel/internal/lock"
)

// Want is what pinwheel.yaml asks of the lock beyond its production set:
// groups: and extras:, for the service in c.Dir (a uv workspace member
// selects what it needs, not the whole workspace).
func (c *Config) Want() lock.Want { return lock.Want{Groups: c.Groups, Extras: c.Extras, Dir: c.Dir} }

// Select is lock.Select with pinwheel.yaml's groups: and extras:. A group
// or extra the lock does not have is an input error at the line of
// pinwheel.yaml that names it, listing what the lock has.
func (c *Config) Select(l *lock.Lock) (*lock.Selection, error) {
	sel, err := lock.Select(l, c.Want())
	var ue *lock.UnknownGroupError
	if errors.As(err, &ue) {
		return nil, c.errAt(fmt.Sprintf("%ss.%d", ue.Kind, ue.Index), "%v", err)
	}
	return sel, err
}
