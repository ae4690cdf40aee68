package imagepkgs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// maxFile bounds one metadata file read from a layer.
const maxFile = 64 << 20

// FromLayers lists img's packages from its flattened filesystem (upper
// layers' whiteouts applied): every dist-info METADATA (Name, Version) and
// every installed dpkg status entry, by its source package and version
// (what Debian advisories name), in the release os-release gives.
func FromLayers(img v1.Image) ([]vuln.Located, error) {
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	var py, deb []vuln.Located
	release := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read image filesystem: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		switch {
		case isMetadata(name):
			data, err := readAll(tr)
			if err != nil {
				return nil, err
			}
			if p, ok := parseMetadata(data); ok {
				py = append(py, vuln.Located{Package: p, At: vuln.Location{File: "/" + name}})
			}
		case name == "var/lib/dpkg/status" || (strings.HasPrefix(name, "var/lib/dpkg/status.d/") && !strings.HasSuffix(name, ".md5sums")):
			data, err := readAll(tr)
			if err != nil {
				return nil, err
			}
			pkgs, err := parseStatus("/"+name, data)
			if err != nil {
				return nil, err
			}
			deb = append(deb, pkgs...)
		case name == "etc/os-release" || (name == "usr/lib/os-release" && release == ""):
			data, err := readAll(tr)
			if err != nil {
				return nil, err
			}
			if r := debianRelease(data); r != "" {
				release = r
			}
		}
	}
	eco := vuln.Debian
	if release != "" {
		eco += ":" + release
	}
	for i := range deb {
		deb[i].Ecosystem = eco
	}
	out := append(py, deb...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.File < out[j].At.File })
	return out, nil
}

func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read image filesystem: %w", err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("image metadata file larger than %d bytes", maxFile)
	}
	return data, nil
}

// isMetadata matches …/site-packages/NAME-VER.dist-info/METADATA (and
// dist-packages, Debian's python3 layout).
func isMetadata(name string) bool {
	dir, file := path.Split(name)
	if file != "METADATA" || !strings.HasSuffix(strings.TrimSuffix(dir, "/"), ".dist-info") {
		return false
	}
	return strings.Contains(dir, "/site-packages/") || strings.Contains(dir, "/dist-packages/")
}

// parseMetadata reads Name and Version from a core metadata file's
// headers (they end at the first blank line).
func parseMetadata(data []byte) (vuln.Package, bool) {
	p := vuln.Package{Ecosystem: vuln.PyPI}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(k) {
		case "name":
			p.Name = pep.NormalizeName(v)
		case "version":
			p.Version = strings.TrimSpace(v)
		}
	}
	return p, p.Name != "" && p.Version != ""
}

// parseStatus lists the installed packages of a dpkg status file.
func parseStatus(file string, data []byte) ([]vuln.Located, error) {
	var out []vuln.Located
	err := debian.ParseParagraphs(bytes.NewReader(data), file, func(p debian.Paragraph) error {
		if st := p.Get("Status"); st != "" && !strings.HasSuffix(st, " installed") {
			return nil
		}
		name, ver := p.Get("Package"), p.Get("Version")
		if name == "" || ver == "" {
			return nil
		}
		if src := p.Get("Source"); src != "" {
			srcName, srcVer, _ := strings.Cut(src, " ")
			name = srcName
			if v := strings.Trim(srcVer, "() "); v != "" {
				ver = v
			}
		}
		out = append(out, vuln.Located{Package: vuln.Package{Name: name, Version: ver}, At: vuln.Location{File: file, Line: p.FieldLine("Package")}})
		return nil
	})
	return out, err
}

// debianRelease is VERSION_ID of a Debian os-release ("12"), "" otherwise.
func debianRelease(data []byte) string {
	var id, ver string
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			id = v
		case "VERSION_ID":
			ver = v
		}
	}
	if id != "debian" {
		return ""
	}
	return ver
}
