package debian

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Package is one binary package stanza of a Packages index.
type Package struct {
	Name         string
	Version      Version
	Architecture string // amd64, arm64, all, …
	Source       string // source package name ("" when it equals Name)
	SourceVer    string // source version when it differs from Version
	Essential    bool
	MultiArch    string
	Depends      []Alternatives
	PreDepends   []Alternatives
	Provides     []Relation
	Filename     string // relative to the archive root: pool/main/…
	Size         int64
	SHA256       string
	// Index names the index this stanza came from (for errors and the lock).
	Index string
	Line  int
}

// ID is "name=version/arch".
func (p *Package) ID() string { return p.Name + "=" + p.Version.String() + "/" + p.Architecture }

// ParsePackages reads a Packages index (deb822 stanzas) from r; path names
// it in errors (path:line).
func ParsePackages(r io.Reader, path string) ([]*Package, error) {
	var out []*Package
	err := ParseParagraphs(r, path, func(p Paragraph) error {
		pkg, err := packageFrom(p, path)
		if err != nil {
			return err
		}
		out = append(out, pkg)
		return nil
	})
	return out, err
}

func packageFrom(p Paragraph, path string) (*Package, error) {
	bad := func(f, format string, args ...any) error {
		return inputerr.At(path, p.FieldLine(f), 0, "%s: %s", f, fmt.Sprintf(format, args...))
	}
	pkg := &Package{Name: p.Get("Package"), Architecture: p.Get("Architecture"), Filename: p.Get("Filename"),
		SHA256: strings.ToLower(p.Get("SHA256")), MultiArch: p.Get("Multi-Arch"), Index: path, Line: p.Line,
		Essential: strings.EqualFold(p.Get("Essential"), "yes")}
	for _, f := range []string{"Package", "Version", "Architecture"} {
		if p.Get(f) == "" {
			return nil, inputerr.At(path, p.Line, 0, "paragraph has no %s field (or it is empty)", f)
		}
	}
	if !validName(pkg.Name) {
		return nil, bad("Package", "%q is not a package name", pkg.Name)
	}
	v, err := ParseVersion(p.Get("Version"))
	if err != nil {
		return nil, bad("Version", "%v", err)
	}
	pkg.Version = v
	if src := p.Get("Source"); src != "" {
		name, ver, _ := strings.Cut(src, " ")
		pkg.Source = name
		pkg.SourceVer = strings.Trim(strings.TrimSpace(ver), "()")
	}
	if s := p.Get("Size"); s != "" {
		if pkg.Size, err = strconv.ParseInt(s, 10, 64); err != nil || pkg.Size < 0 {
			return nil, bad("Size", "%q is not a byte count", s)
		}
	}
	if pkg.SHA256 != "" && !isHex64(pkg.SHA256) {
		return nil, bad("SHA256", "%q is not 64 hex digits", pkg.SHA256)
	}
	for _, f := range []struct {
		name string
		dst  *[]Alternatives
	}{{"Depends", &pkg.Depends}, {"Pre-Depends", &pkg.PreDepends}} {
		if *f.dst, err = ParseRelations(p.Get(f.name)); err != nil {
			return nil, bad(f.name, "%v", err)
		}
	}
	provides, err := ParseRelations(p.Get("Provides"))
	if err != nil {
		return nil, bad("Provides", "%v", err)
	}
	for _, alts := range provides {
		if len(alts) != 1 || (alts[0].Op != "" && alts[0].Op != "=") {
			return nil, bad("Provides", "%q: a provided package takes no alternatives and only an = version", alts)
		}
		pkg.Provides = append(pkg.Provides, alts[0])
	}
	return pkg, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
