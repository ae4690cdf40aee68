package signing

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// InTotoPayloadType is the DSSE payloadType of an in-toto statement.
const InTotoPayloadType = "application/vnd.in-toto+json"

// EnvelopeMediaType is the media type of a DSSE envelope stored as a blob.
const EnvelopeMediaType = "application/vnd.dsse.envelope.v1+json"

// dsseSigner adapts a Signer to securesystemslib's dsse.Signer. The key id
// is left empty, as cosign leaves it: verifiers try their key.
type dsseSigner struct{ s Signer }

func (d dsseSigner) Sign(ctx context.Context, data []byte) ([]byte, error) {
	return d.s.Sign(ctx, data)
}
func (d dsseSigner) KeyID() (string, error) { return "", nil }

// SignStatement wraps an in-toto statement in a DSSE envelope signed by s
// and returns the envelope's JSON.
func SignStatement(ctx context.Context, s Signer, statement []byte) ([]byte, error) {
	es, err := dsse.NewEnvelopeSigner(dsseSigner{s: s})
	if err != nil {
		return nil, err
	}
	env, err := es.SignPayload(ctx, InTotoPayloadType, statement)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return json.Marshal(env)
}

// keyVerifier adapts a public key to securesystemslib's dsse.Verifier.
type keyVerifier struct{ pub crypto.PublicKey }

func (k keyVerifier) Verify(_ context.Context, data, sig []byte) error {
	return verifySig(k.pub, data, sig)
}
func (k keyVerifier) KeyID() (string, error)   { return "", nil }
func (k keyVerifier) Public() crypto.PublicKey { return k.pub }

// ErrNotInToto is returned for an envelope whose payload is not an in-toto statement.
var ErrNotInToto = errors.New("envelope payloadType is not " + InTotoPayloadType)

// VerifyEnvelope checks that envelope (DSSE JSON) carries an in-toto
// statement with a signature that verifies with pub, and returns the
// statement. It returns ErrBadSignature when no signature verifies.
func VerifyEnvelope(ctx context.Context, pub crypto.PublicKey, envelope []byte) ([]byte, error) {
	var env dsse.Envelope
	if err := json.Unmarshal(envelope, &env); err != nil {
		return nil, fmt.Errorf("not a DSSE envelope: %w", err)
	}
	if env.PayloadType != InTotoPayloadType {
		return nil, fmt.Errorf("%w (it is %q)", ErrNotInToto, env.PayloadType)
	}
	if err := checkPublic(pub); err != nil {
		return nil, err
	}
	ev, err := dsse.NewEnvelopeVerifier(keyVerifier{pub: pub})
	if err != nil {
		return nil, err
	}
	if _, err := env.DecodeB64Payload(); err != nil {
		return nil, fmt.Errorf("envelope payload: %w", err)
	}
	_, body, err := ev.VerifyAndDecode(ctx, &env)
	if errors.Is(err, dsse.ErrNoSignature) {
		return nil, fmt.Errorf("%w: the envelope has no signature", ErrBadSignature)
	}
	if err != nil {
		return nil, ErrBadSignature
	}
	return body, nil
}
