package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"pinwheel.dev/pinwheel/internal/lock"
)

const noAssertion = "NOASSERTION"

var spdxHashAlgs = map[string]common.ChecksumAlgorithm{
	"md5": common.MD5, "sha1": common.SHA1, "sha224": common.SHA224, "sha256": common.SHA256,
	"sha384": common.SHA384, "sha512": common.SHA512, "sha3_256": common.SHA3_256,
	"sha3_384": common.SHA3_384, "sha3_512": common.SHA3_512, "blake2b": common.BLAKE2b_512,
}

// SPDX renders the packages of l as an SPDX 2.3 JSON document that
// DESCRIBES subject. The same inputs give the same bytes: the document
// namespace ends in a UUID v5 of the document's own content, packages are
// sorted, and "created" is the Unix epoch unless WithCreated supplies a time.
func SPDX(l *lock.Lock, subject Subject, opts ...SBOMOption) ([]byte, error) {
	cfg := newSBOMConfig(opts)
	inv := newInventory(l, subject, cfg.selection)
	created := time.Unix(0, 0).UTC()
	if !cfg.created.IsZero() {
		created = cfg.created
	}
	tool := cfg.toolName
	if cfg.toolVersion != "" {
		tool += "-" + cfg.toolVersion
	}
	doc := &spdx.Document{
		SPDXVersion:    spdx.Version,
		DataLicense:    spdx.DataLicense,
		SPDXIdentifier: "DOCUMENT",
		DocumentName:   inv.root.name,
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: tool}},
			Created:  created.Format(time.RFC3339),
		},
	}
	if inv.lockHash != "" {
		doc.DocumentComment = fmt.Sprintf("Packages of %s (pinwheel lock hash %s).", inv.lockFile, inv.lockHash)
	}
	ids := spdxIDs(inv)
	rootID := common.ElementID(spdxRootID(inv.root))
	doc.Packages = append(doc.Packages, spdxRootPackage(inv, rootID))
	for i := range inv.items {
		doc.Packages = append(doc.Packages, spdxPackage(&inv.items[i], ids[i]))
	}
	doc.Relationships = spdxRelationships(inv, rootID, ids)

	// The namespace names this exact content: hash the compact encoding
	// without it, then encode for output with it.
	compact, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode SPDX: %w", err)
	}
	sum := sha256.Sum256(compact)
	doc.DocumentNamespace = "https://pinwheel.dev/spdxdocs/" + url.PathEscape(inv.root.name) + "-" +
		uuid.NewSHA1(sbomNamespace, sum[:]).String()
	return encodeSPDX(doc)
}

func encodeSPDX(doc *spdx.Document) ([]byte, error) {
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return nil, fmt.Errorf("encode SPDX: %w", err)
	}
	return buf.Bytes(), nil
}

// spdxIDs gives each item an SPDX identifier made of its name and version
// (letters, digits, "." and "-" only), numbered on collision.
func spdxIDs(inv *inventory) []common.ElementID {
	used := map[string]bool{spdxRootID(inv.root): true}
	ids := make([]common.ElementID, len(inv.items))
	for i, it := range inv.items {
		base := "Package-pypi-" + spdxIDSafe(it.pkg.Name)
		if it.pkg.Version != "" {
			base += "-" + spdxIDSafe(it.pkg.Version)
		}
		id := base
		for n := 2; used[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		used[id] = true
		ids[i] = common.ElementID(id)
	}
	return ids
}

func spdxRootID(r rootItem) string {
	if r.image {
		return "Image-" + spdxIDSafe(r.name)
	}
	return "Project-" + spdxIDSafe(r.name)
}

func spdxIDSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

func spdxRootPackage(inv *inventory, id common.ElementID) *spdx.Package {
	p := &spdx.Package{
		PackageName:             inv.root.name,
		PackageSPDXIdentifier:   id,
		PackageVersion:          inv.root.version,
		PackageDownloadLocation: noAssertion,
		FilesAnalyzed:           false,
		PrimaryPackagePurpose:   "APPLICATION",
	}
	if inv.root.image {
		p.PrimaryPackagePurpose = "CONTAINER"
		if d, ok := splitImageDigest(inv.root.digest); ok {
			p.PackageChecksums = []common.Checksum{{Algorithm: spdxHashAlgs[d.alg], Value: d.value}}
		}
		p.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: inv.root.purl}}
	}
	return p
}

func spdxPackage(it *item, id common.ElementID) *spdx.Package {
	p := it.pkg
	sp := &spdx.Package{
		PackageName:             p.Name,
		PackageSPDXIdentifier:   id,
		PackageVersion:          p.Version,
		PackageDownloadLocation: spdxDownloadLocation(p),
		FilesAnalyzed:           false,
		PrimaryPackagePurpose:   "LIBRARY",
		PackageExternalReferences: []*spdx.PackageExternalReference{
			{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: it.purl},
		},
	}
	for _, d := range it.hashes {
		if alg, ok := spdxHashAlgs[d.alg]; ok {
			sp.PackageChecksums = append(sp.PackageChecksums, common.Checksum{Algorithm: alg, Value: d.value})
		}
	}
	switch p.Source.Kind {
	case lock.SourcePath, lock.SourceDirectory, lock.SourceEditable, lock.SourceVirtual:
		sp.PackageSourceInfo = fmt.Sprintf("%s source at %s", p.Source.Kind, p.Source.Path)
	}
	return sp
}

// spdxDownloadLocation is the VCS locator for VCS sources, the URL for
// direct URLs, and for index packages the sdist's URL (or the only
// artifact's); NOASSERTION where the lock names no single location.
func spdxDownloadLocation(p *lock.Package) string {
	switch p.Source.Kind {
	case lock.SourceGit:
		return vcsLocator(p.Source)
	case lock.SourceURL:
		if isURI(p.Source.URL) {
			return p.Source.URL
		}
	case lock.SourceRegistry, "":
		var only string
		n := 0
		for _, a := range sortedArtifacts(p) {
			if !isURI(a.URL) || !strings.Contains(a.URL, "://") {
				continue
			}
			if a.Kind == lock.ArtifactSdist {
				return a.URL
			}
			only = a.URL
			n++
		}
		if n == 1 {
			return only
		}
	}
	return noAssertion
}

// spdxRelationships: the document DESCRIBES the root; the root DEPENDS_ON
// its direct dependencies (development-only ones are DEV_DEPENDENCY_OF it,
// optional ones OPTIONAL_DEPENDENCY_OF it); each package DEPENDS_ON what
// the lock records.
func spdxRelationships(inv *inventory, rootID common.ElementID, ids []common.ElementID) []*spdx.Relationship {
	rel := func(a, b common.ElementID, kind string) *spdx.Relationship {
		return &spdx.Relationship{RefA: common.MakeDocElementID("", string(a)), RefB: common.MakeDocElementID("", string(b)), Relationship: kind}
	}
	rels := []*spdx.Relationship{rel("DOCUMENT", rootID, "DESCRIBES")}
	for _, d := range inv.root.deps {
		switch inv.items[d].scope {
		case scopeExcluded:
			rels = append(rels, rel(ids[d], rootID, "DEV_DEPENDENCY_OF"))
		case scopeOptional:
			rels = append(rels, rel(ids[d], rootID, "OPTIONAL_DEPENDENCY_OF"))
		default:
			rels = append(rels, rel(rootID, ids[d], "DEPENDS_ON"))
		}
	}
	for i, it := range inv.items {
		for _, d := range it.deps {
			rels = append(rels, rel(ids[i], ids[d], "DEPENDS_ON"))
		}
	}
	return rels
}
