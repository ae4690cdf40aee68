package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	slsa "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Provenance constants.
const (
	// BuildType names how pinwheel builds, for SLSA buildDefinition.buildType.
	BuildType = "https://pinwheel.dev/build/oci-image/v1"
	// BuilderID identifies pinwheel as the builder (runDetails.builder.id).
	BuilderID = "https://pinwheel.dev/builder"
	// SLSAPredicateType is the SLSA v1 provenance predicate type.
	SLSAPredicateType = "https://slsa.dev/provenance/v1"
	// ProvenanceMediaType is the media type of an in-toto statement.
	ProvenanceMediaType = "application/vnd.in-toto+json"
)

// Material is one resolved input of a build: the source commit, the base
// image, a wheel.
type Material struct {
	Name   string            `json:"name"`   // e.g. "requests-2.32.3-py3-none-any.whl"
	URI    string            `json:"uri"`    // e.g. "git+https://…@<sha>", "oci://python@sha256:…", "pkg:pypi/requests@2.32.3?file_name=…"
	Digest map[string]string `json:"digest"` // algorithm → hex ("sha256", "gitCommit")
}

// ProvenanceInput is what Provenance records.
type ProvenanceInput struct {
	Info BuildInfo
	// SubjectName is the image name (repository) the digest belongs to.
	SubjectName string
	// ExternalParameters are the user-controlled inputs: the configuration
	// and the build flags. They must be JSON-encodable.
	ExternalParameters map[string]any
	Materials          []Material
}

// Provenance renders a SLSA v1 provenance statement (in-toto Statement v1)
// for the image in.Info.ImageDigest. Output is deterministic for the same
// input: JSON keys sorted, materials sorted by URI. The only time-dependent
// fields are runDetails.metadata.startedOn/finishedOn and invocationId, taken
// from in.Info (StartedAt, FinishedAt, CIRunID); they describe the run, not
// the artifact, which is why they live here and not in the image.
func Provenance(in ProvenanceInput) ([]byte, error) {
	hex, ok := strings.CutPrefix(in.Info.ImageDigest, "sha256:")
	if !ok {
		return nil, fmt.Errorf("provenance: image digest %q is not sha256:…", in.Info.ImageDigest)
	}
	params, err := toStruct(in.ExternalParameters)
	if err != nil {
		return nil, fmt.Errorf("provenance: external parameters: %w", err)
	}
	internal, err := toStruct(map[string]any{
		"builderVersion": in.Info.BuilderVersion,
		"reproducible":   in.Info.Reproducible,
		"lockHash":       in.Info.LockHash,
		"pythonVersion":  in.Info.PythonVersion,
	})
	if err != nil {
		return nil, err
	}
	mats := append([]Material{}, in.Materials...)
	sort.SliceStable(mats, func(i, j int) bool { return mats[i].URI < mats[j].URI })
	deps := make([]*intoto.ResourceDescriptor, 0, len(mats))
	for _, m := range mats {
		deps = append(deps, &intoto.ResourceDescriptor{Name: m.Name, Uri: m.URI, Digest: m.Digest})
	}
	meta := &slsa.BuildMetadata{InvocationId: invocationID(in.Info)}
	if !in.Info.StartedAt.IsZero() {
		meta.StartedOn = timestamppb.New(in.Info.StartedAt.UTC().Truncate(time.Second))
	}
	if !in.Info.FinishedAt.IsZero() {
		meta.FinishedOn = timestamppb.New(in.Info.FinishedAt.UTC().Truncate(time.Second))
	}
	pred := &slsa.Provenance{
		BuildDefinition: &slsa.BuildDefinition{
			BuildType:            BuildType,
			ExternalParameters:   params,
			InternalParameters:   internal,
			ResolvedDependencies: deps,
		},
		RunDetails: &slsa.RunDetails{
			Builder:  &slsa.Builder{Id: BuilderID, Version: map[string]string{"pinwheel": in.Info.BuilderVersion}},
			Metadata: meta,
		},
	}
	predJSON, err := protojson.Marshal(pred)
	if err != nil {
		return nil, err
	}
	predStruct := &structpb.Struct{}
	if err := protojson.Unmarshal(predJSON, predStruct); err != nil {
		return nil, err
	}
	name := in.SubjectName
	if name == "" {
		name = in.Info.Service
	}
	out, err := statementJSON(name, hex, SLSAPredicateType, predStruct)
	if err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	return out, nil
}

func invocationID(b BuildInfo) string {
	if b.CIRunURL != "" {
		return b.CIRunURL
	}
	if b.CIRunID != "" {
		if b.CIProvider != "" {
			return b.CIProvider + ":" + b.CIRunID
		}
		return b.CIRunID
	}
	return ""
}

func toStruct(m map[string]any) (*structpb.Struct, error) {
	b, err := json.Marshal(m) // through JSON so structs and slices become plain values
	if err != nil {
		return nil, err
	}
	var plain map[string]any
	if err := json.Unmarshal(b, &plain); err != nil {
		return nil, err
	}
	return structpb.NewStruct(plain)
}

// canonicalJSON re-encodes JSON with sorted keys and fixed indentation:
// protojson deliberately varies its whitespace between runs.
func canonicalJSON(raw []byte) ([]byte, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
