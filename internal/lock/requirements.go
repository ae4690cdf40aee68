package lock

import "errors"

// parseRequirements is a placeholder until the requirements parser lands.
func parseRequirements(path string, data []byte) (*Lock, error) {
	return nil, errors.New("requirements: parser not implemented yet")
}

// parseRequirementsFile reads path and the files it includes.
func parseRequirementsFile(path string) (*Lock, error) {
	return nil, errors.New("requirements: parser not implemented yet")
}
