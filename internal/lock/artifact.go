package lock

import (
	"path"
	"strings"
)

// hashAlgorithms are the hashlib names pip accepts in --hash and lockfiles
// use, strongest preference first for the canonical hash.
var hashAlgorithms = []string{"sha256", "sha512", "sha384", "sha3_256", "sha3_512", "blake2b", "blake2s", "sha224", "sha1", "md5"}

// splitHash splits "sha256:abcd…" into its algorithm and lowercase hex
// digest. ok is false when s is not algorithm:hex with a known algorithm.
func splitHash(s string) (alg, digest string, ok bool) {
	alg, digest, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return "", "", false
	}
	alg = strings.ToLower(alg)
	known := false
	for _, a := range hashAlgorithms {
		if a == alg {
			known = true
			break
		}
	}
	if !known || digest == "" || !isHex(digest) {
		return "", "", false
	}
	if want, ok := hashHexLen[alg]; ok && len(digest) != want {
		return "", "", false
	}
	return alg, strings.ToLower(digest), true
}

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

// hashOnlyArtifacts makes one ArtifactUnknown per hash, for formats that list
// a package's allowed hashes without naming the files they belong to
// (Pipfile.lock, requirements --hash).
func hashOnlyArtifacts(hashes [][2]string) []Artifact {
	var out []Artifact
	for _, h := range hashes {
		out = append(out, Artifact{Kind: ArtifactUnknown, Hashes: map[string]string{h[0]: h[1]}})
	}
	return out
}

// archiveKind classifies a file name as a wheel, an sdist, or (when it is
// not a distribution file at all) a directory/other reference: ok is false.
func archiveKind(name string) (ArtifactKind, bool) {
	base := strings.ToLower(path.Base(strings.TrimRight(name, "/")))
	switch {
	case strings.HasSuffix(base, ".whl"):
		return ArtifactWheel, true
	case strings.HasSuffix(base, ".tar.gz"), strings.HasSuffix(base, ".zip"), strings.HasSuffix(base, ".tar.bz2"),
		strings.HasSuffix(base, ".tar.xz"), strings.HasSuffix(base, ".tgz"), strings.HasSuffix(base, ".tar"):
		return ArtifactSdist, true
	}
	return "", false
}

// looksLikeCommit reports whether ref is a full hex commit id (git: 40, sha256 git: 64).
func looksLikeCommit(ref string) bool {
	return (len(ref) == 40 || len(ref) == 64) && isHex(ref)
}
