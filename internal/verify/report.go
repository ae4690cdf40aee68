package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Image fetches ref's attestations and checks them against p. The error is
// for what could not be looked at (an InputError for a bad reference); an
// image that does not verify is a Report with Verified false.
func Image(ctx context.Context, ref string, p Policy, opts ...remote.Option) (Report, error) {
	s, err := Fetch(ctx, ref, opts...)
	if err != nil {
		return Report{}, err
	}
	return Check(ctx, s, p), nil
}

// Text renders r for people: one line per attestation, then the verdict.
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  digest %s\n  from   %s\n", r.Image, r.Digest, r.Where)
	for _, a := range r.Attestations {
		mark := "verified"
		if !a.Verified {
			mark = "FAILED: " + a.Problem
		}
		fmt.Fprintf(&b, "  %-32s %s\n", a.PredicateType, mark)
	}
	if r.BuilderID != "" {
		fmt.Fprintf(&b, "  builder %s\n", r.BuilderID)
	}
	if r.SourceCommit != "" {
		fmt.Fprintf(&b, "  commit  %s\n", r.SourceCommit)
	}
	if r.LockHash != "" {
		fmt.Fprintf(&b, "  lock    %s\n", r.LockHash)
	}
	if r.Verified {
		b.WriteString("verified\n")
		return b.String()
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  problem: %s\n", p)
	}
	b.WriteString("does NOT verify\n")
	return b.String()
}
