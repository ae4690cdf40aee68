package publish

import (
	"bytes"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Signed is a signed attestation: a DSSE envelope over an in-toto statement
// about the artifact.
type Signed struct {
	// PredicateType of the statement, e.g. "https://slsa.dev/provenance/v1".
	PredicateType string
	// Envelope is the DSSE envelope (JSON).
	Envelope []byte
	// FileName is used when the envelope is written next to a local output.
	FileName string
}

// The layout cosign gives attestations: an OCI image tagged
// sha256-<hex>.att whose layers are DSSE envelopes, each annotated with its
// predicate type and an empty signature (the signature is in the envelope).
const (
	// DSSEMediaType is the media type of an attestation layer.
	DSSEMediaType types.MediaType = "application/vnd.dsse.envelope.v1+json"
	// CosignSignatureAnnotation is the layer annotation cosign reads a
	// detached signature from (empty for attestations).
	CosignSignatureAnnotation = "dev.cosignproject.cosign/signature"
	// PredicateTypeAnnotation names a layer's predicate type.
	PredicateTypeAnnotation = "predicateType"
	// AttestationKind is the value of the dev.pinwheel.attachment
	// annotation of the attestation image in an OCI layout.
	AttestationKind = "cosign-att"
)

// AttestationTag is the tag cosign looks attestations up by for the
// artifact with digest d: "sha256-<hex>.att".
func AttestationTag(d v1.Hash) string {
	return strings.Replace(d.String(), ":", "-", 1) + ".att"
}

// attestationImage assembles cosign's attestation image from envelopes.
func attestationImage(signed []Signed) (v1.Image, error) {
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	var adds []mutate.Addendum
	for _, s := range signed {
		adds = append(adds, mutate.Addendum{
			Layer:       static.NewLayer(bytes.Clone(s.Envelope), DSSEMediaType),
			Annotations: map[string]string{CosignSignatureAnnotation: "", PredicateTypeAnnotation: s.PredicateType},
		})
	}
	return mutate.Append(base, adds...)
}

// ReadAttestations returns the DSSE envelopes of a cosign attestation image.
func ReadAttestations(img v1.Image) ([]Signed, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	var out []Signed
	for _, l := range m.Layers {
		if l.MediaType != DSSEMediaType {
			continue
		}
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			return nil, err
		}
		data, err := readLayer(layer)
		if err != nil {
			return nil, err
		}
		out = append(out, Signed{PredicateType: l.Annotations[PredicateTypeAnnotation], Envelope: data})
	}
	return out, nil
}

// MaxEnvelopeSize bounds one attestation layer read back (cosign's own limit is 128 MiB; SBOMs run to a few MB).
const MaxEnvelopeSize = 64 << 20

func readLayer(l v1.Layer) ([]byte, error) {
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readAllLimited(rc, MaxEnvelopeSize)
}
