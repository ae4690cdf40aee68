package pyindex

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"
	"strings"
)

// strongHashes are the algorithms that pin an artifact by themselves,
// strongest first. md5 and sha1 are checked when given but never suffice.
var strongHashes = []string{"sha512", "sha3_512", "sha384", "sha3_384", "sha256", "sha3_256", "sha224", "sha3_224"}

func newHash(alg string) hash.Hash {
	switch alg {
	case "md5":
		return md5.New()
	case "sha1":
		return sha1.New()
	case "sha224":
		return sha256.New224()
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	case "sha3_224":
		return sha3.New224()
	case "sha3_256":
		return sha3.New256()
	case "sha3_384":
		return sha3.New384()
	case "sha3_512":
		return sha3.New512()
	}
	return nil
}

// pinned reports whether hashes holds at least one strong, supported hash
// of the right length.
func pinned(hashes map[string]string) bool {
	for _, alg := range strongHashes {
		if h := hashes[alg]; h != "" {
			if b, err := hex.DecodeString(h); err == nil && len(b) == newHash(alg).Size() {
				return true
			}
		}
	}
	return false
}

// hasher computes sha256 (the cache key) plus every supported algorithm named
// in expected, in one pass.
type hasher struct {
	sums map[string]hash.Hash
	w    io.Writer
	n    int64
}

func newHasher(expected map[string]string) *hasher {
	h := &hasher{sums: map[string]hash.Hash{"sha256": sha256.New()}}
	for alg := range expected {
		alg = strings.ToLower(alg)
		if _, ok := h.sums[alg]; ok {
			continue
		}
		if hh := newHash(alg); hh != nil {
			h.sums[alg] = hh
		}
	}
	ws := make([]io.Writer, 0, len(h.sums))
	for _, hh := range h.sums {
		ws = append(ws, hh)
	}
	h.w = io.MultiWriter(ws...)
	return h
}

func (h *hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.w.Write(p)
}

func (h *hasher) sum(alg string) string { return hex.EncodeToString(h.sums[alg].Sum(nil)) }

// HashMismatchError says a file's content does not match what was expected.
type HashMismatchError struct {
	Package, Filename, Source string
	Algorithm                 string
	Expected, Actual          string
}

func (e *HashMismatchError) Error() string {
	return "hash mismatch for " + e.Package + " file " + e.Filename + " from " + e.Source +
		": expected " + e.Algorithm + ":" + e.Expected + ", got " + e.Algorithm + ":" + e.Actual
}

// verify checks every expected hash it can compute.
func (h *hasher) verify(pkg, filename, source string, expected map[string]string) error {
	for alg, want := range expected {
		alg = strings.ToLower(alg)
		if _, ok := h.sums[alg]; !ok {
			continue
		}
		if got := h.sum(alg); got != strings.ToLower(want) {
			return &HashMismatchError{Package: pkg, Filename: filename, Source: source, Algorithm: alg, Expected: want, Actual: got}
		}
	}
	return nil
}
