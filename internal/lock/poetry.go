package lock

import "errors"

// parsePoetry is a placeholder until the poetry parser lands.
func parsePoetry(path string, data []byte) (*Lock, error) {
	return nil, errors.New("poetry: parser not implemented yet")
}
