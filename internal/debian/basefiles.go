package debian

import (
	"bytes"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/image"
)

// NonrootUID is the uid and gid of the nonroot user every base has.
const NonrootUID = 65532

const passwd = `root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin
`

const group = `root:x:0:
nogroup:x:65534:
nonroot:x:65532:
`

// debianReleases maps codenames to VERSION_ID for a generated os-release.
var debianReleases = map[string]string{"bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14"}

// baseFiles are the entries pinwheel adds on top of the packages: what
// debootstrap and maintainer scripts would otherwise have made. t is the
// packages' tree (read, not changed); debs are by package name.
func baseFiles(t tree, l *Lock, debs map[string]*deb) []image.Entry {
	var es []image.Entry
	has := func(p string) bool { _, ok := t[p]; return ok }
	add := func(e image.Entry) {
		if !has(e.Path) {
			es = append(es, e)
		}
	}
	// Merged /usr: /bin → usr/bin and friends.
	for _, d := range mergedUsr {
		if d == "bin" || d == "sbin" || d == "lib" || has("usr/"+d) {
			add(image.Entry{Path: d, Type: image.TypeSymlink, Link: "usr/" + d})
		}
	}
	add(image.Entry{Path: "tmp", Type: image.TypeDir, Mode: 0o777 | fs.ModeSticky, KeepMode: true})
	add(image.Entry{Path: "root", Type: image.TypeDir, Mode: 0o700, KeepMode: true})
	add(image.Entry{Path: "home/nonroot", Type: image.TypeDir, Mode: 0o700, KeepMode: true, UID: NonrootUID, GID: NonrootUID})
	add(image.BytesEntry("etc/passwd", []byte(passwd), 0o644))
	add(image.BytesEntry("etc/group", []byte(group), 0o644))
	if !has("etc/os-release") && !has("usr/lib/os-release") {
		add(image.BytesEntry("etc/os-release", osRelease(l.Suite), 0o644))
	}
	if py := newestPython(t); py != "" {
		add(image.Entry{Path: "usr/bin/python3", Type: image.TypeSymlink, Link: py})
	}
	if ca := caBundle(t); ca != nil {
		add(image.BytesEntry("etc/ssl/certs/ca-certificates.crt", ca, 0o644))
	}
	names := make([]string, 0, len(debs))
	for n := range debs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		add(image.BytesEntry("var/lib/dpkg/status.d/"+n, statusEntry(debs[n].control), 0o644))
		if debs[n].md5sums != nil {
			add(image.BytesEntry("var/lib/dpkg/status.d/"+n+".md5sums", debs[n].md5sums, 0o644))
		}
	}
	return es
}

// VersionID is the Debian release number of a codename ("12" for
// bookworm), "" when unknown.
func VersionID(suite string) string { return debianReleases[suite] }

func osRelease(suite string) []byte {
	v := debianReleases[suite]
	name := fmt.Sprintf("Debian GNU/Linux %s (%s)", v, suite)
	if v == "" {
		name = "Debian GNU/Linux " + suite
	}
	return []byte(fmt.Sprintf("PRETTY_NAME=%q\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=%q\nVERSION_CODENAME=%s\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n", name, v, suite))
}

// newestPython is "python3.N" for the highest N with usr/bin/python3.N
// (python3-minimal's link, which pinwheel makes without installing it).
func newestPython(t tree) string {
	best, bestN := "", -1
	for p, e := range t {
		rest, ok := strings.CutPrefix(p, "usr/bin/python3.")
		if !ok || e.Type == image.TypeDir {
			continue
		}
		n := 0
		if _, err := fmt.Sscanf(rest, "%d", &n); err != nil || fmt.Sprint(n) != rest {
			continue
		}
		if n > bestN {
			best, bestN = "python3."+rest, n
		}
	}
	return best
}

// caBundle is what update-ca-certificates writes to
// /etc/ssl/certs/ca-certificates.crt: every certificate under
// /usr/share/ca-certificates, in sorted path order (the order of the
// ca-certificates.conf its postinst generates), each ending in a newline.
func caBundle(t tree) []byte {
	var paths []string
	for p, e := range t {
		if strings.HasPrefix(p, "usr/share/ca-certificates/") && strings.HasSuffix(p, ".crt") && e.Type == image.TypeFile {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	sort.Strings(paths)
	var buf bytes.Buffer
	for _, p := range paths {
		b := t[p].body
		buf.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

// statusEntry is a package's control file as dpkg's status database holds
// it (with "Status: install ok installed" after Package), one file per
// package in /var/lib/dpkg/status.d/ as distroless images do; Trivy, Syft
// and Grype read it there.
func statusEntry(control []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(control), "\n"), "\n")
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), "status:") {
			continue
		}
		out = append(out, l)
		if strings.HasPrefix(l, "Package:") {
			out = append(out, "Status: install ok installed")
		}
	}
	return []byte(strings.Join(out, "\n") + "\n")
}
