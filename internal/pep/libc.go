package pep

import (
	"bytes"
	"regexp"
)

var (
	glibcBanner     = []byte("GNU C Library")
	glibcVersionRE  = regexp.MustCompile(`^[^\x00\n]*? version (\d+\.\d+)`)
	muslBanner      = []byte("musl libc (")
	muslVersionItem = regexp.MustCompile(`^1\.\d+\.\d+$`)
)

// DetectLibc reads the bytes of a C library file taken from an image (see
// LibcPaths) and reports which libc it is and its MAJOR.MINOR version, to
// fill Target.Libc and Target.LibcVersion. glibc is recognised by its
// "GNU C Library ... release version 2.36." banner; musl by its
// "musl libc (arch)" banner and the version string it embeds.
func DetectLibc(data []byte) (libc, version string, ok bool) {
	if i := bytes.Index(data, glibcBanner); i >= 0 {
		rest := data[i:min(len(data), i+256)]
		if m := glibcVersionRE.FindSubmatch(rest); m != nil {
			return "glibc", string(m[1]), true
		}
	}
	if bytes.Contains(data, muslBanner) {
		for _, item := range bytes.Split(data, []byte{0}) {
			if muslVersionItem.Match(item) {
				v := item[:bytes.LastIndexByte(item, '.')]
				return "musl", string(v), true
			}
		}
	}
	return "", "", false
}

// LibcPaths lists where the C library of a Debian/Ubuntu, RHEL-family or
// Alpine image lives for a Python machine name ("x86_64", "aarch64"), in
// the order to try them.
func LibcPaths(arch string) []string {
	triplet := arch + "-linux-gnu"
	if arch == "armv7l" {
		triplet = "arm-linux-gnueabihf"
	}
	muslArch := arch
	if arch == "armv7l" {
		muslArch = "armhf"
	}
	return []string{
		"/lib/" + triplet + "/libc.so.6", "/usr/lib/" + triplet + "/libc.so.6",
		"/lib64/libc.so.6", "/usr/lib64/libc.so.6", "/lib/libc.so.6",
		"/lib/ld-musl-" + muslArch + ".so.1", "/lib/libc.musl-" + muslArch + ".so.1",
	}
}
