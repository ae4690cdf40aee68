package drift

import (
	"context"
	"fmt"
)

// Resolver says which digest a base image reference (as build-info
// records it) names now; ok is false for a base it cannot judge (one
// assembled from a Debian lock names no image to look up).
type Resolver func(ctx context.Context, ref string) (digest string, ok bool, err error)

// Built is a release and the base it was built on (its build-info's
// baseImage and baseDigest).
type Built struct {
	ID, Service           string
	BaseImage, BaseDigest string
}

// Bases reports the releases whose base reference now names another
// digest than the one they were built on.
func Bases(ctx context.Context, rels []Built, resolve Resolver) (Report, error) {
	var r Report
	seen := map[string]string{} // ref → digest now
	for _, rel := range rels {
		ref, built := rel.BaseImage, rel.BaseDigest
		if ref == "" || built == "" {
			continue
		}
		obj := "release " + rel.ID
		now, ok := seen[ref]
		if !ok {
			d, judged, err := resolve(ctx, ref)
			if err != nil {
				return r, fmt.Errorf("base %s of %s: %w", ref, rel.ID, err)
			}
			if !judged {
				r.Skipped = append(r.Skipped, fmt.Sprintf("base %s of %s: nothing to look up", ref, rel.ID))
				seen[ref] = ""
				continue
			}
			now, seen[ref] = d, d
		}
		if now == "" {
			continue
		}
		r.Checked = append(r.Checked, obj)
		if now != built {
			r.Findings = append(r.Findings, Finding{Kind: BaseMoved, Target: "registry", Service: rel.Service, Object: obj, Release: rel.ID,
				Want: built, Got: now, Message: fmt.Sprintf("built on %s at %s; it now names %s (rebuild to pick it up, or pin the old digest)", ref, short(built), short(now))})
		}
	}
	r.Sort()
	return r, nil
}
