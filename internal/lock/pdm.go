package lock

import "errors"

// parsePDM is a placeholder until the pdm parser lands.
func parsePDM(path string, data []byte) (*Lock, error) {
	return nil, errors.New("pdm: parser not implemented yet")
}
