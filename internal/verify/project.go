package verify

import (
	"errors"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/signing"
)

// ProjectPolicy is the policy a project's pinwheel.yaml implies: the key
// signing.publicKey names, and the lock hash of the project's lock (when it
// has one), so an image built from another lock does not pass. Problems
// are input errors naming the file.
func ProjectPolicy(cfg *config.Config) (Policy, error) {
	var p Policy
	if cfg.Signing.PublicKey != "" {
		path := cfg.SigningPath(cfg.Signing.PublicKey)
		key, err := signing.LoadPublicKeyFile(path)
		if err != nil {
			line, col := cfg.Pos("signing.publicKey")
			return p, &InputError{Err: &inputerr.Error{Path: cfg.Path, Line: line, Col: col, Msg: "signing.publicKey", Err: err}}
		}
		p.Key = key
	}
	path := ""
	if cfg.Lockfile != "" {
		path = filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Lockfile))
	} else if found, err := lock.Detect(cfg.Dir); err == nil {
		path = found
	} else if !errors.Is(err, lock.ErrNoLockfile) {
		return p, &InputError{Err: err}
	}
	if path != "" {
		l, err := lock.ParseFile(path, lock.WithRoot(cfg.Dir))
		if err != nil {
			return p, &InputError{Err: err}
		}
		p.LockHash = lock.Hash(l)
	}
	return p, nil
}
