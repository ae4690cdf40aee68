// Package verify checks an image's signed attestations: that each DSSE
// envelope verifies with a public key, that its in-toto statement is about
// the image's digest, and that the SLSA provenance names the expected
// builder, source commit and lock hash. It finds the attestations where
// pinwheel build and cosign put them (internal/publish) and decides; it
// signs nothing (internal/signing) and does not deploy (internal/target
// asks it before a rollout).
package verify

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/signing"
)

// Policy is what an image's attestations must show.
type Policy struct {
	// Key verifies the signatures (required).
	Key crypto.PublicKey
	// BuilderID the provenance must name; default attest.BuilderID.
	BuilderID string
	// SourceCommit and LockHash, when set, must be the provenance's.
	SourceCommit, LockHash string
}

// Report is the outcome of checking one image.
type Report struct {
	Image    string `json:"image"`
	Digest   string `json:"digest"`
	Verified bool   `json:"verified"`
	// Where the attestations were looked for.
	Where        string        `json:"where"`
	Attestations []Attestation `json:"attestations"`
	// The verified provenance's facts.
	BuilderID    string   `json:"builderId,omitempty"`
	SourceCommit string   `json:"sourceCommit,omitempty"`
	LockHash     string   `json:"lockHash,omitempty"`
	Problems     []string `json:"problems,omitempty"`
}

// Attestation is one envelope's outcome.
type Attestation struct {
	PredicateType string `json:"predicateType"`
	Verified      bool   `json:"verified"`
	Problem       string `json:"problem,omitempty"`
}

// Check verifies s's attestations against p. Every attestation present
// must verify (a tampered SBOM fails the image as a tampered provenance
// does), and at least one SLSA provenance must, with the required facts.
func Check(ctx context.Context, s Subject, p Policy) Report {
	r := Report{Image: s.Ref, Digest: s.Digest.String(), Where: s.Where, Attestations: []Attestation{}}
	builder := p.BuilderID
	if builder == "" {
		builder = attest.BuilderID
	}
	if len(s.Signed) == 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("no signed attestations for %s (looked in %s)", s.Digest, s.Where))
		return r
	}
	var prov *provenance
	for _, sg := range s.Signed {
		a, st := checkOne(ctx, p.Key, s.Digest.Hex, sg.PredicateType, sg.Envelope)
		r.Attestations = append(r.Attestations, a)
		if !a.Verified {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %s", a.PredicateType, a.Problem))
			continue
		}
		if st.PredicateType == attest.SLSAPredicateType && prov == nil {
			prov = provenanceOf(st)
		}
	}
	if prov == nil {
		r.Problems = append(r.Problems, "no verified SLSA provenance ("+attest.SLSAPredicateType+") for "+s.Digest.String())
		return r
	}
	r.BuilderID, r.SourceCommit, r.LockHash = prov.builder, prov.commit, prov.lockHash
	want := func(what, got, need string) {
		if need != "" && got != need {
			r.Problems = append(r.Problems, fmt.Sprintf("provenance %s is %q, want %q", what, got, need))
		}
	}
	want("builder id", prov.builder, builder)
	want("source commit", prov.commit, p.SourceCommit)
	want("lock hash", prov.lockHash, p.LockHash)
	r.Verified = len(r.Problems) == 0
	return r
}

// statement is the part of an in-toto statement (v1, or cosign's v0.1) checked here.
type statement struct {
	Type    string `json:"_type"`
	Subject []struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	} `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

var statementTypes = map[string]bool{"https://in-toto.io/Statement/v1": true, "https://in-toto.io/Statement/v0.1": true}

func checkOne(ctx context.Context, key crypto.PublicKey, hex, annotated string, envelope []byte) (Attestation, *statement) {
	a := Attestation{PredicateType: annotated}
	payload, err := signing.VerifyEnvelope(ctx, key, envelope)
	if err != nil {
		a.Problem = err.Error()
		return a, nil
	}
	var st statement
	if err := json.Unmarshal(payload, &st); err != nil || !statementTypes[st.Type] {
		a.Problem = "the signed payload is not an in-toto statement"
		return a, nil
	}
	if annotated != "" && st.PredicateType != annotated {
		a.Problem = fmt.Sprintf("signed predicateType %q differs from the stored %q", st.PredicateType, annotated)
		return a, nil
	}
	a.PredicateType = st.PredicateType
	var subjects []string
	for _, sub := range st.Subject {
		if sub.Digest["sha256"] == hex {
			a.Verified = true
			return a, &st
		}
		subjects = append(subjects, "sha256:"+sub.Digest["sha256"])
	}
	a.Problem = fmt.Sprintf("the statement is about %v, not the image sha256:%s", subjects, hex)
	return a, nil
}

type provenance struct{ builder, commit, lockHash string }

// provenanceOf reads the facts checked from a SLSA v1 predicate: builder
// id, the source commit (the resolved dependency with a gitCommit digest)
// and the lock hash pinwheel records among the internal parameters.
func provenanceOf(st *statement) *provenance {
	var pred struct {
		BuildDefinition struct {
			InternalParameters struct {
				LockHash string `json:"lockHash"`
			} `json:"internalParameters"`
			ResolvedDependencies []struct {
				Digest map[string]string `json:"digest"`
			} `json:"resolvedDependencies"`
		} `json:"buildDefinition"`
		RunDetails struct {
			Builder struct {
				ID string `json:"id"`
			} `json:"builder"`
		} `json:"runDetails"`
	}
	_ = json.Unmarshal(st.Predicate, &pred) // a predicate of another shape has no facts: the checks below say so
	p := &provenance{builder: pred.RunDetails.Builder.ID, lockHash: pred.BuildDefinition.InternalParameters.LockHash}
	for _, d := range pred.BuildDefinition.ResolvedDependencies {
		if c := d.Digest["gitCommit"]; c != "" {
			p.commit = c
			break
		}
	}
	return p
}
