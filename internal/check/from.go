package check

import (
	"regexp"
	"strings"
)

// imageRef is a parsed image reference.
type imageRef struct {
	Repo   string // without tag or digest
	Tag    string
	Digest string
}

func parseImageRef(s string) imageRef {
	var r imageRef
	s, r.Digest, _ = strings.Cut(s, "@")
	r.Repo = s
	slash := strings.LastIndex(s, "/")
	if colon := strings.LastIndex(s, ":"); colon > slash {
		r.Repo, r.Tag = s[:colon], s[colon+1:]
	}
	return r
}

// isPythonImage reports whether repo is a Python interpreter image
// (python, library/python, docker.io/library/python, …/python).
func isPythonImage(repo string) bool {
	return repo == "python" || strings.HasSuffix(repo, "/python")
}

var exactPythonTag = regexp.MustCompile(`^\d+\.\d+\.\d+(-|$)`)

// checkFrom reports PW302 (:latest / no tag), PW301 (no digest) and PW203
// (Python image tag not an exact version) for one FROM.
func checkFrom(df *dockerfile, in instruction, args map[string]string, stages map[string]bool, r *Report) {
	if len(in.Args) == 0 {
		return
	}
	if len(in.Args) >= 3 && strings.EqualFold(in.Args[1], "AS") {
		defer func() { stages[strings.ToLower(in.Args[2])] = true }()
	}
	raw := in.Args[0]
	image, ok := expandArgs(raw, args)
	if !ok {
		return // depends on a build arg without a default: cannot judge
	}
	if image == "scratch" || stages[strings.ToLower(image)] {
		return
	}
	checkImage(df, in, image, "base image", r)
}

// imagePin is the determinism verdict on an image reference, the same for
// a Dockerfile FROM and a Kubernetes container image.
type imagePin int

const (
	pinnedByDigest imagePin = iota // name@sha256:…: the same bits every time
	tagOnly                        // name:tag: the tag can move
	latestTag                      // name or name:latest: moves with every push
)

// imagePinning judges an image reference; tag describes a latest one
// ("no tag (:latest)" or ":latest").
func imagePinning(image string) (ref imageRef, pin imagePin, tag string) {
	ref = parseImageRef(image)
	switch {
	case ref.Digest != "":
		return ref, pinnedByDigest, ""
	case ref.Tag == "":
		return ref, latestTag, "no tag (:latest)"
	case ref.Tag == "latest":
		return ref, latestTag, ":latest"
	}
	return ref, tagOnly, ""
}

// checkImage reports PW302, PW301 and PW203 for an image reference used by
// FROM or COPY --from.
func checkImage(df *dockerfile, in instruction, image, what string, r *Report) {
	ref, pin, tag := imagePinning(image)
	line := in.Start
	switch pin {
	case latestTag:
		addAt(r, "PW302", df.File, in, line, "%s %s uses %s: every build may get a different image", what, image, tag)
	case tagOnly:
		addAt(r, "PW301", df.File, in, line, "%s %s is not pinned by digest: the tag can move", what, image)
	}
	if isPythonImage(ref.Repo) && ref.Digest == "" && !exactPythonTag.MatchString(ref.Tag) {
		tag := ref.Tag
		if tag == "" {
			tag = "latest"
		}
		addAt(r, "PW203", df.File, in, line, "Python base image tag %q does not pin the interpreter version (want e.g. 3.11.7-slim)", tag)
	}
}

// checkCopyFrom reports an unpinned image named by COPY --from (a stage
// name or index is not an image).
func checkCopyFrom(df *dockerfile, in instruction, args map[string]string, stages map[string]bool, r *Report) {
	from, ok := in.flag("from")
	if !ok || from == "" || stages[strings.ToLower(from)] || strings.Trim(from, "0123456789") == "" {
		return
	}
	image, ok := expandArgs(from, args)
	if !ok || stages[strings.ToLower(image)] {
		return
	}
	checkImage(df, in, image, "COPY --from image", r)
}

// checkAdd reports PW306 for ADD of a remote URL without --checksum, and
// records ADD sources for the secret-file rule.
func checkAdd(df *dockerfile, in instruction, r *Report) {
	if _, ok := in.flag("checksum"); ok {
		return
	}
	for _, src := range sources(in) {
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			addAt(r, "PW306", df.File, in, df.lineOf(in, src), "ADD %s downloads without verifying a checksum", src)
		} else if strings.HasPrefix(src, "git@") || strings.HasSuffix(src, ".git") {
			addAt(r, "PW306", df.File, in, df.lineOf(in, src), "ADD %s fetches a git ref without a checksum", src)
		}
	}
}

// sources returns the source arguments of a COPY or ADD (all but the last).
func sources(in instruction) []string {
	if len(in.Args) < 2 {
		return nil
	}
	return in.Args[:len(in.Args)-1]
}
