package safefs

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// SHA256 is the hex sha256 of name, opened as Open allows it (a regular
// file inside root).
func SHA256(root, name string) (string, error) {
	f, err := Open(root, name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
