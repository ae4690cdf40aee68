package lock

import "errors"

// parseUV is a placeholder until the uv parser lands.
func parseUV(path string, data []byte) (*Lock, error) {
	return nil, errors.New("uv: parser not implemented yet")
}
