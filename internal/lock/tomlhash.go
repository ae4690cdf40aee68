package lock

import (
	"fmt"
	"strings"
)

// hashHexLen is the hex digest length of the hashlib algorithms lockfiles use.
var hashHexLen = map[string]int{
	"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128,
	"sha3_224": 56, "sha3_256": 64, "sha3_384": 96, "sha3_512": 128, "blake2b": 128, "blake2s": 64,
}

// checkDigest validates a hex digest for algorithm alg and returns it in
// lowercase, or a description of what is wrong.
func checkDigest(alg, digest string) (string, string) {
	if alg == "" || strings.Trim(alg, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return "", fmt.Sprintf("hash algorithm %q is not a hashlib name like sha256", alg)
	}
	if digest == "" {
		return "", fmt.Sprintf("%s hash has no digest (expected hex after the algorithm)", alg)
	}
	if !isHexDigits(digest) {
		return "", fmt.Sprintf("%s digest %q is not hexadecimal", alg, digest)
	}
	if want, ok := hashHexLen[alg]; ok && len(digest) != want {
		return "", fmt.Sprintf("%s digest has %d hex digits, expected %d", alg, len(digest), want)
	}
	return strings.ToLower(digest), ""
}

func isHexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// algoHash reads an optional "algorithm:hex" string (uv, poetry, pdm) into
// a one-entry hash map; nil when absent.
func (r *tomlReader) algoHash(t tval, key string) map[string]string {
	if !r.has(t, key) {
		return nil
	}
	s := r.str(t, key)
	if r.err != nil {
		return nil
	}
	alg, digest, found := strings.Cut(s, ":")
	if !found {
		p := joinKey(t.path, key)
		r.failf(p, "%s: hash %q: expected algorithm:hex, e.g. sha256:<64 hex digits>", p, s)
		return nil
	}
	alg = strings.ToLower(alg)
	hex, problem := checkDigest(alg, digest)
	if problem != "" {
		p := joinKey(t.path, key)
		r.failf(p, "%s: %s", p, problem)
		return nil
	}
	return map[string]string{alg: hex}
}

// hashTable reads a pylock hashes table {algorithm = "hex", ...}.
func (r *tomlReader) hashTable(t tval, key string) map[string]string {
	h, ok := r.table(t, key)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, alg := range sortedKeys(h) {
		digest := r.str(h, alg)
		if r.err != nil {
			return nil
		}
		hex, problem := checkDigest(strings.ToLower(alg), digest)
		if problem != "" {
			r.failf(joinKey(h.path, alg), "%s: %s", joinKey(h.path, alg), problem)
			return nil
		}
		out[strings.ToLower(alg)] = hex
	}
	return out
}
