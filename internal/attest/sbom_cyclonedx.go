package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"

	"pinwheel.dev/pinwheel/internal/lock"
)

// cdxSchema1_6 is the $schema CycloneDX 1.6 JSON documents name.
const cdxSchema1_6 = "http://cyclonedx.org/schema/bom-1.6.schema.json"

// sbomNamespace is the UUID v5 namespace pinwheel derives serial numbers and
// SPDX document namespaces in.
var sbomNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://pinwheel.dev/sbom"))

var cdxHashAlgs = map[string]cdx.HashAlgorithm{
	"md5": cdx.HashAlgoMD5, "sha1": cdx.HashAlgoSHA1, "sha256": cdx.HashAlgoSHA256,
	"sha384": cdx.HashAlgoSHA384, "sha512": cdx.HashAlgoSHA512, "sha3_256": cdx.HashAlgoSHA3_256,
	"sha3_384": cdx.HashAlgoSHA3_384, "sha3_512": cdx.HashAlgoSHA3_512, "blake2b": cdx.HashAlgoBlake2b_512,
}

// CycloneDX renders the packages of l as a CycloneDX 1.6 JSON BOM whose
// root component is subject. The same inputs give the same bytes: the serial
// number is a UUID v5 of the document's own content, components are sorted,
// and there is no timestamp unless WithCreated supplies one.
func CycloneDX(l *lock.Lock, subject Subject, opts ...SBOMOption) ([]byte, error) {
	cfg := newSBOMConfig(opts)
	inv := newInventory(l, subject, cfg.selection)
	bom := cdx.NewBOM()
	bom.JSONSchema, bom.SpecVersion = cdxSchema1_6, cdx.SpecVersion1_6
	bom.Metadata = cdxMetadata(inv, cfg)
	components := make([]cdx.Component, len(inv.items))
	for i := range inv.items {
		components[i] = cdxComponent(&inv.items[i])
	}
	bom.Components = &components
	bom.Dependencies = cdxDependencies(inv)
	addOSPackages(bom, rootRef(inv.root), cfg.osPackages)

	// The serial number names this exact content: hash the compact encoding
	// without it, then encode for output with it.
	compact, err := json.Marshal(bom)
	if err != nil {
		return nil, fmt.Errorf("encode CycloneDX: %w", err)
	}
	sum := sha256.Sum256(compact)
	bom.SerialNumber = uuid.NewSHA1(sbomNamespace, sum[:]).URN()
	return encodeCDX(bom)
}

func encodeCDX(bom *cdx.BOM) ([]byte, error) {
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		return nil, fmt.Errorf("encode CycloneDX: %w", err)
	}
	return buf.Bytes(), nil
}

func cdxMetadata(inv *inventory, cfg sbomConfig) *cdx.Metadata {
	md := &cdx.Metadata{}
	if !cfg.created.IsZero() {
		md.Timestamp = cfg.created.Format(time.RFC3339)
	}
	md.Tools = &cdx.ToolsChoice{Components: &[]cdx.Component{{
		Type: cdx.ComponentTypeApplication, Name: cfg.toolName, Version: cfg.toolVersion,
	}}}
	root := &cdx.Component{
		BOMRef:  rootRef(inv.root),
		Type:    cdx.ComponentTypeApplication,
		Name:    inv.root.name,
		Version: inv.root.version,
	}
	if inv.root.image {
		root.Type = cdx.ComponentTypeContainer
		root.PackageURL = inv.root.purl
		if d, ok := splitImageDigest(inv.root.digest); ok {
			root.Hashes = &[]cdx.Hash{{Algorithm: cdxHashAlgs[d.alg], Value: d.value}}
		}
	}
	md.Component = root
	var props []cdx.Property
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	add("pinwheel:lock:format", inv.lockFormat)
	add("pinwheel:lock:file", inv.lockFile)
	add("pinwheel:lock:hash", inv.lockHash)
	add("pinwheel:lock:content-hash", inv.contentHash)
	if len(props) > 0 {
		md.Properties = &props
	}
	return md
}

func rootRef(r rootItem) string {
	if r.purl != "" {
		return r.purl
	}
	return "project:" + r.name
}

func cdxComponent(it *item) cdx.Component {
	p := it.pkg
	c := cdx.Component{
		BOMRef:     it.ref,
		Type:       cdx.ComponentTypeLibrary,
		Name:       p.Name,
		Version:    p.Version,
		PackageURL: it.purl,
	}
	switch it.scope {
	case scopeRequired:
		c.Scope = cdx.ScopeRequired
	case scopeOptional:
		c.Scope = cdx.ScopeOptional
	case scopeExcluded:
		c.Scope = cdx.ScopeExcluded
	}
	if hs := cdxHashes(it.hashes); len(hs) > 0 {
		c.Hashes = &hs
	}
	if refs := cdxExternalRefs(p); len(refs) > 0 {
		c.ExternalReferences = &refs
	}
	if props := cdxProperties(p); len(props) > 0 {
		c.Properties = &props
	}
	return c
}

func cdxHashes(ds []digest) []cdx.Hash {
	var hs []cdx.Hash
	for _, d := range ds {
		if alg, ok := cdxHashAlgs[d.alg]; ok {
			hs = append(hs, cdx.Hash{Algorithm: alg, Value: d.value})
		}
	}
	return hs
}

// cdxExternalRefs records where the package comes from: the VCS repository,
// the direct URL, or each downloadable artifact with its hashes.
func cdxExternalRefs(p *lock.Package) []cdx.ExternalReference {
	var refs []cdx.ExternalReference
	switch p.Source.Kind {
	case lock.SourceGit:
		if loc := vcsLocator(p.Source); isURI(loc) {
			refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeVCS, URL: loc})
		}
		return refs
	case lock.SourceURL:
		if isURI(p.Source.URL) && !hasArtifactURL(p, p.Source.URL) {
			refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: p.Source.URL})
		}
	}
	for _, a := range sortedArtifacts(p) {
		if !isURI(a.URL) {
			continue
		}
		ref := cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: a.URL}
		if hs := cdxHashes(artifactDigests(a)); len(hs) > 0 {
			ref.Hashes = &hs
		}
		refs = append(refs, ref)
	}
	return refs
}

func hasArtifactURL(p *lock.Package, u string) bool {
	for _, a := range p.Artifacts {
		if a.URL == u {
			return true
		}
	}
	return false
}

func cdxProperties(p *lock.Package) []cdx.Property {
	var props []cdx.Property
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	if p.Direct {
		add("pinwheel:direct", "true")
	}
	for _, g := range sortedCopy(p.Groups) {
		add("pinwheel:group", g)
	}
	add("pinwheel:marker", p.Marker)
	if p.Source.Kind != lock.SourceRegistry && p.Source.Kind != "" {
		add("pinwheel:source", string(p.Source.Kind))
		add("pinwheel:source:path", p.Source.Path)
	}
	return props
}

// cdxDependencies is the graph: the root's direct dependencies and, when
// the lock records edges, every component's (an empty dependsOn then says
// "no dependencies"; without recorded edges components are left out, which
// CycloneDX reads as "unknown").
func cdxDependencies(inv *inventory) *[]cdx.Dependency {
	refsOf := func(idx []int) *[]string {
		refs := make([]string, len(idx))
		for i, j := range idx {
			refs[i] = inv.items[j].ref
		}
		return &refs
	}
	deps := []cdx.Dependency{{Ref: rootRef(inv.root), Dependencies: refsOf(inv.root.deps)}}
	if inv.graphKnown {
		for _, it := range inv.items {
			deps = append(deps, cdx.Dependency{Ref: it.ref, Dependencies: refsOf(it.deps)})
		}
	}
	return &deps
}
