package vuln

import (
	"bytes"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// IgnoreFileName is the ignore file pinwheel scan reads from the project.
const IgnoreFileName = ".pinwheel-ignore.yaml"

// Ignore is one entry of the ignore file: a vulnerability id (any of a
// finding's ids: GHSA, PYSEC, CVE…), optionally one package, why it is
// ignored and until when.
type Ignore struct {
	ID      string    `json:"id"`
	Package string    `json:"package,omitempty"`
	Reason  string    `json:"reason"`
	Expires time.Time `json:"expires"`
	File    string    `json:"file"`
	Line    int       `json:"line"`
}

// ParseIgnoreFile reads an ignore file:
//
//	ignore:
//	  - id: GHSA-j8r2-6x86-q33q
//	    package: requests        # optional
//	    reason: proxies are not used; upgrade in PLAT-123
//	    expires: 2027-01-31
//
// Every entry needs id, reason and expires (a date, YYYY-MM-DD, or an RFC
// 3339 time); errors name path:line.
func ParseIgnoreFile(path string, data []byte) ([]Ignore, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return nil, nil
		}
		return nil, yamlError(path, err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, inputerr.At(path, root.Line, root.Column, "want a mapping with an ignore: list")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "ignore" {
			return nil, inputerr.At(path, k.Line, k.Column, "unknown key %q (want ignore)", k.Value)
		}
		list = root.Content[i+1]
	}
	if list == nil {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, inputerr.At(path, list.Line, list.Column, "ignore: want a list of entries")
	}
	var out []Ignore
	for _, item := range list.Content {
		ig, err := parseIgnoreEntry(path, item)
		if err != nil {
			return nil, err
		}
		out = append(out, ig)
	}
	return out, nil
}

func parseIgnoreEntry(path string, n *yaml.Node) (Ignore, error) {
	ig := Ignore{File: path, Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return ig, inputerr.At(path, n.Line, n.Column, "ignore entry: want a mapping with id, reason and expires")
	}
	var expires string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return ig, inputerr.At(path, v.Line, v.Column, "%s: want a single value", k.Value)
		}
		switch k.Value {
		case "id":
			ig.ID = v.Value
		case "package":
			ig.Package = v.Value
		case "reason":
			ig.Reason = v.Value
		case "expires":
			expires = v.Value
		default:
			return ig, inputerr.At(path, k.Line, k.Column, "unknown key %q in ignore entry (want id, package, reason, expires)", k.Value)
		}
	}
	for _, req := range []struct{ name, val string }{{"id", ig.ID}, {"reason", ig.Reason}, {"expires", expires}} {
		if req.val == "" {
			return ig, inputerr.At(path, n.Line, n.Column, "ignore entry has no %s (every entry needs id, reason and expires)", req.name)
		}
	}
	t, err := time.Parse(time.DateOnly, expires)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, expires); err != nil {
			return ig, inputerr.At(path, n.Line, n.Column, "expires %q: want a date (2027-01-31)", expires)
		}
	} else {
		t = t.Add(24*time.Hour - time.Nanosecond) // a date expires at its end
	}
	ig.Expires = t
	return ig, nil
}

// Ignored is a finding with the ignore entry that hides it.
type Ignored struct {
	Finding
	By Ignore `json:"ignoredBy"`
}

// ApplyIgnores splits findings into those reported and those an unexpired
// entry hides; entries past their expiry hide nothing and come back as
// expired (each is itself a finding).
func ApplyIgnores(fs []Finding, ignores []Ignore, now time.Time) (kept []Finding, ignored []Ignored, expired []Ignore) {
	for _, ig := range ignores {
		if !now.Before(ig.Expires) {
			expired = append(expired, ig)
		}
	}
	for _, f := range fs {
		if ig, ok := matchIgnore(f, ignores, now); ok {
			ignored = append(ignored, Ignored{Finding: f, By: ig})
			continue
		}
		kept = append(kept, f)
	}
	return kept, ignored, expired
}

func matchIgnore(f Finding, ignores []Ignore, now time.Time) (Ignore, bool) {
	for _, ig := range ignores {
		if !now.Before(ig.Expires) || !slices.Contains(f.IDs(), ig.ID) {
			continue
		}
		if ig.Package == "" || normalizeName(f.Package.Ecosystem, ig.Package) == f.Package.Name {
			return ig, true
		}
	}
	return Ignore{}, false
}
