package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Kind names a kind of drift.
type Kind string

// The kinds of drift.
const (
	// TemplateEdited: a Deployment's pod template differs from the one
	// pinwheel last applied.
	TemplateEdited Kind = "template-edited"
	// ReplicasOffSpec: a Deployment's replica count differs from the one
	// pinwheel last set.
	ReplicasOffSpec Kind = "replicas-off-spec"
	// UnknownImage: an image runs that no release produced.
	UnknownImage Kind = "unknown-image"
	// UnplacedRelease: a release runs where the ledger has it neither live
	// nor in a rollout.
	UnplacedRelease Kind = "unplaced-release"
	// StableMismatch: the runtime serves a stable release other than the
	// ledger's live one.
	StableMismatch Kind = "stable-mismatch"
	// BaseMoved: a release's base image reference now names another digest.
	BaseMoved Kind = "base-moved"
)

// Finding is one difference between what runs and what was recorded.
type Finding struct {
	Kind    Kind   `json:"kind"`
	Target  string `json:"target"` // kube, local, registry
	Service string `json:"service,omitempty"`
	// Object is what drifted: "deployment ns/shop", "release shop-3".
	Object  string `json:"object"`
	Release string `json:"release,omitempty"`
	Want    string `json:"want,omitempty"`
	Got     string `json:"got,omitempty"`
	Message string `json:"message"`
}

// Report is a drift check's findings and what was checked.
type Report struct {
	Findings []Finding `json:"findings"`
	// Checked names the objects compared, Skipped the checks that could
	// not run and why.
	Checked []string `json:"checked"`
	Skipped []string `json:"skipped,omitempty"`
}

// Merge adds o's findings, checks and skips to r.
func (r *Report) Merge(o Report) {
	r.Findings = append(r.Findings, o.Findings...)
	r.Checked = append(r.Checked, o.Checked...)
	r.Skipped = append(r.Skipped, o.Skipped...)
}

// Sort orders the findings by object, then kind.
func (r *Report) Sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Object != b.Object {
			return a.Object < b.Object
		}
		return a.Kind < b.Kind
	})
}

// WriteText writes one line per finding, then what was checked.
func WriteText(w io.Writer, r Report) error {
	for _, f := range r.Findings {
		if _, err := fmt.Fprintf(w, "DRIFT %-17s %s: %s\n", f.Kind, f.Object, f.Message); err != nil {
			return err
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "skipped: %s\n", s)
	}
	if len(r.Findings) == 0 {
		_, err := fmt.Fprintf(w, "no drift: %s checked\n", count(len(r.Checked), "object"))
		return err
	}
	_, err := fmt.Fprintf(w, "%s in %s checked\n", count(len(r.Findings), "finding"), count(len(r.Checked), "object"))
	return err
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// WriteJSON writes r as indented JSON (findings as [] when there are none).
func WriteJSON(w io.Writer, r Report) error {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Checked == nil {
		r.Checked = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
