package lock

import "errors"

// parsePylock is a placeholder until the pylock parser lands.
func parsePylock(path string, data []byte) (*Lock, error) {
	return nil, errors.New("pylock: parser not implemented yet")
}
