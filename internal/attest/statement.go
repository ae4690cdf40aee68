package attest

import (
	"fmt"
	"strings"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// CycloneDXPredicateType is the predicate type of an in-toto statement
// whose predicate is a CycloneDX SBOM (cosign's --type cyclonedx).
const CycloneDXPredicateType = "https://cyclonedx.org/bom"

// Statement wraps a JSON predicate (an SBOM) in an in-toto Statement v1
// about the image name@digest, so it can be signed like the provenance.
func Statement(name, digest, predicateType string, predicate []byte) ([]byte, error) {
	hex, ok := strings.CutPrefix(digest, "sha256:")
	if !ok {
		return nil, fmt.Errorf("statement: image digest %q is not sha256:…", digest)
	}
	pred := &structpb.Struct{}
	if err := protojson.Unmarshal(predicate, pred); err != nil {
		return nil, fmt.Errorf("statement: predicate is not a JSON object: %w", err)
	}
	out, err := statementJSON(name, hex, predicateType, pred)
	if err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	return out, nil
}

// statementJSON is the canonical JSON of an in-toto Statement v1 about the
// image name with sha256 digest hex.
func statementJSON(name, hex, predicateType string, pred *structpb.Struct) ([]byte, error) {
	st := &intoto.Statement{
		Type:          intoto.StatementTypeUri,
		Subject:       []*intoto.ResourceDescriptor{{Name: name, Digest: map[string]string{"sha256": hex}}},
		PredicateType: predicateType,
		Predicate:     pred,
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	raw, err := protojson.Marshal(st)
	if err != nil {
		return nil, err
	}
	return canonicalJSON(raw)
}
