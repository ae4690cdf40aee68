package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// PredicateType names the gate-results predicate of the in-toto statement
// `pinwheel gate` writes beside the image's provenance.
const PredicateType = "https://pinwheel.dev/gate-results/v1"

// Statement renders rep as an in-toto Statement v1 whose subject is the
// image (name, sha256 digest) and whose predicate is the report: when the
// gates ran, whether all passed, and each gate's result. Keys are sorted,
// so the same report gives the same bytes.
func Statement(name string, rep Report) ([]byte, error) {
	hex, ok := strings.CutPrefix(rep.ImageDigest, "sha256:")
	if !ok {
		return nil, fmt.Errorf("gate statement: image digest %q is not sha256:…", rep.ImageDigest)
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	pred := &structpb.Struct{}
	if err := protojson.Unmarshal(raw, pred); err != nil {
		return nil, err
	}
	if name == "" {
		name = rep.Service
	}
	st := &intoto.Statement{
		Type:          intoto.StatementTypeUri,
		Subject:       []*intoto.ResourceDescriptor{{Name: name, Digest: map[string]string{"sha256": hex}}},
		PredicateType: PredicateType,
		Predicate:     pred,
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("gate statement: %w", err)
	}
	out, err := protojson.Marshal(st)
	if err != nil {
		return nil, err
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err = enc.Encode(v)
	return buf.Bytes(), err
}
