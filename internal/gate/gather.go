package gate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	packageurl "github.com/package-url/packageurl-go"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/check"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/lock"
)

// Source is what Gather reads the facts from.
type Source struct {
	Image v1.Image
	// Ref is the image as named (oci:DIR[@sha256:…] or tar:FILE): where its
	// SBOM and provenance are looked for.
	Ref    string
	Config *config.Config // the project's pinwheel.yaml (Dir set)
	// Vulns are the image's known vulnerabilities, as a scanner found them.
	Vulns []Vuln
}

// Gather collects the facts about the image in s and its project: the
// build info built into the image, the project's lock, the SBOM and
// provenance attached to the image, the image's Debian packages, `pinwheel
// check` findings for the project and s.Vulns. Notes say what was missing.
func Gather(ctx context.Context, s Source) (Facts, []string, error) {
	var f Facts
	var notes []string
	d, err := s.Image.Digest()
	if err != nil {
		return f, nil, err
	}
	bi, err := build.ReadBuildInfo(s.Image)
	if err != nil {
		return f, nil, fmt.Errorf("%s: %w", s.Ref, err)
	}
	f.Build = Build{Service: bi.Service, Version: bi.Version, GitCommit: bi.GitCommit, GitDirty: bi.GitDirty, GitSource: bi.GitSource,
		LockHash: bi.LockHash, LockFormat: bi.LockFormat, PythonVersion: bi.PythonVersion, BaseImage: bi.BaseImage, BaseDigest: bi.BaseDigest,
		ImageDigest: d.String(), ImageRef: s.Ref, BuilderVersion: bi.BuilderVersion, CIProvider: bi.CIProvider, CIRunID: bi.CIRunID,
		CIRunURL: bi.CIRunURL, Reproducible: bi.Reproducible, SourceBuilds: []string{}}
	for _, sb := range bi.SourceBuilds {
		f.Build.SourceBuilds = append(f.Build.SourceBuilds, sb.Package)
	}
	if f.Lock, err = projectLock(s.Config); err != nil {
		return f, nil, err
	}
	switch {
	case f.Lock.Hash == "":
		notes = append(notes, "the project has no lock: lock.packages is empty")
	case f.Build.LockHash != "" && f.Lock.Hash != f.Build.LockHash:
		notes = append(notes, fmt.Sprintf("the project's lock (%s) is not the one the image was built from (%s)", f.Lock.Hash, f.Build.LockHash))
	}
	sbom, err := readAttachment(s.Ref, d, sbomAttachment)
	if err != nil {
		return f, nil, err
	}
	if f.SBOM, err = parseSBOM(sbom); err != nil {
		return f, nil, fmt.Errorf("%s: SBOM: %w", s.Ref, err)
	}
	if !f.SBOM.Present {
		notes = append(notes, "no SBOM attached to the image: sbom.components is empty")
	}
	prov, err := readAttachment(s.Ref, d, provenanceAttachment)
	if err != nil {
		return f, nil, err
	}
	f.Provenance = map[string]any{}
	if prov == nil {
		notes = append(notes, "no provenance attached to the image: provenance is empty")
	} else if err := json.Unmarshal(prov, &f.Provenance); err != nil {
		return f, nil, fmt.Errorf("%s: provenance: %w", s.Ref, err)
	}
	if f.Base, err = basePackages(s.Image, f.SBOM); err != nil {
		return f, nil, err
	}
	rep, err := check.Run(ctx, s.Config.Dir, checkOptions(s.Config)...)
	if err != nil {
		return f, nil, fmt.Errorf("check: %w", err)
	}
	f.Findings = []Finding{}
	for _, fi := range rep.Findings {
		f.Findings = append(f.Findings, Finding{RuleID: fi.RuleID, Severity: fi.Severity.String(), File: fi.File, Line: fi.Line,
			Message: fi.Message, Suppressed: fi.Suppression != nil})
	}
	f.Vulns = orEmpty(s.Vulns)
	return f, notes, nil
}

func checkOptions(cfg *config.Config) []check.Option {
	if cfg.Lockfile == "" {
		return nil
	}
	return []check.Option{check.WithLockfile(filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Lockfile)))}
}

// projectLock reads the project's lock (pinwheel.yaml's lockfile:, else the
// one lock.Detect finds); no lock is an empty Lock.
func projectLock(cfg *config.Config) (Lock, error) {
	out := Lock{Packages: []Package{}}
	path := ""
	if cfg.Lockfile != "" {
		path = filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Lockfile))
	} else if p, err := lock.Detect(cfg.Dir); err == nil {
		path = p
	} else if !errors.Is(err, lock.ErrNoLockfile) {
		return out, err
	} else {
		return out, nil
	}
	l, err := lock.ParseFile(path, lock.WithRoot(cfg.Dir))
	if err != nil {
		return out, fmt.Errorf("lock: %w", err)
	}
	out.Format, out.Path, out.Hash, out.RequiresPython = string(l.Format), l.Path, lock.Hash(l), l.RequiresPython
	for _, p := range l.Packages {
		pkg := Package{Name: p.Name, Version: p.Version, Source: string(p.Source.Kind), URL: p.Source.URL, Markers: p.Marker,
			Direct: p.Direct, Groups: orEmpty(p.Groups), Hashes: []string{}}
		seen := map[string]bool{}
		for _, a := range p.Artifacts {
			for alg, hex := range a.Hashes {
				if h := alg + ":" + hex; !seen[h] {
					seen[h] = true
					pkg.Hashes = append(pkg.Hashes, h)
				}
			}
		}
		sort.Strings(pkg.Hashes)
		out.Packages = append(out.Packages, pkg)
	}
	return out, nil
}

// parseSBOM reads a CycloneDX JSON SBOM; nil data is no SBOM.
func parseSBOM(data []byte) (SBOM, error) {
	s := SBOM{Components: []Component{}}
	if data == nil {
		return s, nil
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return s, err
	}
	s.Present = true
	var walk func([]cdx.Component)
	walk = func(cs []cdx.Component) {
		for _, c := range cs {
			comp := Component{Name: c.Name, Version: c.Version, Type: string(c.Type), PURL: c.PackageURL, Hashes: []string{}}
			if c.Hashes != nil {
				for _, h := range *c.Hashes {
					comp.Hashes = append(comp.Hashes, strings.ToLower(strings.ReplaceAll(string(h.Algorithm), "-", ""))+":"+h.Value)
				}
			}
			s.Components = append(s.Components, comp)
			if c.Components != nil {
				walk(*c.Components)
			}
		}
	}
	if bom.Components != nil {
		walk(*bom.Components)
	}
	return s, nil
}

// basePackages are the image's Debian packages: those the SBOM lists
// (pkg:deb), and those of /var/lib/dpkg/status in the image.
func basePackages(img v1.Image, sbom SBOM) (Base, error) {
	byKey := map[string]BasePackage{}
	for _, c := range sbom.Components {
		u, err := packageurl.FromString(c.PURL)
		if err != nil || u.Type != packageurl.TypeDebian {
			continue
		}
		q := u.Qualifiers.Map()
		p := BasePackage{Name: u.Name, Version: u.Version, Arch: q["arch"], Source: q["upstream"]}
		byKey[p.Name+"\x00"+p.Arch] = p
	}
	_, status, err := image.ReadFile(img, []string{"/var/lib/dpkg/status"}, 64<<20)
	if err != nil && !errors.Is(err, image.ErrFileNotFound) {
		return Base{}, fmt.Errorf("dpkg status: %w", err)
	}
	if err == nil {
		err := debian.ParseParagraphs(bytes.NewReader(status), "/var/lib/dpkg/status", func(pg debian.Paragraph) error {
			if !strings.HasSuffix(pg.Get("Status"), " installed") {
				return nil
			}
			src, _, _ := strings.Cut(pg.Get("Source"), " ")
			p := BasePackage{Name: pg.Get("Package"), Version: pg.Get("Version"), Arch: pg.Get("Architecture"), Source: src}
			byKey[p.Name+"\x00"+p.Arch] = p
			return nil
		})
		if err != nil {
			return Base{}, err
		}
	}
	out := Base{Packages: []BasePackage{}}
	for _, p := range byKey {
		out.Packages = append(out.Packages, p)
	}
	sort.Slice(out.Packages, func(i, j int) bool {
		a, b := out.Packages[i], out.Packages[j]
		return a.Name < b.Name || a.Name == b.Name && a.Arch < b.Arch
	})
	return out, nil
}
