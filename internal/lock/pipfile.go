package lock

import "errors"

// parsePipfileLock is a placeholder until the pipfile parser lands.
func parsePipfileLock(path string, data []byte) (*Lock, error) {
	return nil, errors.New("pipfile: parser not implemented yet")
}
