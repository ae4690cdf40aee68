package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// uvRequirements reads [package.metadata] requires-dist / requires-dev
// entries: what the project itself declared.
func (r *tomlReader) uvRequirements(t tval, key, group string) []Requirement {
	var out []Requirement
	for _, q := range r.tables(t, key) {
		req := Requirement{
			Name:      r.distName(q, "the requirement's package name"),
			Specifier: r.str(q, "specifier"),
			Extras:    r.strs(q, "extras"),
			Marker:    r.str(q, "marker"),
			Group:     group,
			URL:       r.str(q, "url") + r.str(q, "git"),
			File:      r.doc.path,
		}
		if req.Group == "" {
			req.Group = extraOfMarker(req.Marker)
		}
		out = append(out, req)
	}
	return out
}

// extraOfMarker is "x" for a requires-dist marker naming extra == 'x', else "main".
func extraOfMarker(marker string) string {
	i := strings.Index(marker, "extra ==")
	if i < 0 {
		return "main"
	}
	rest := strings.TrimSpace(marker[i+len("extra =="):])
	if len(rest) > 1 && (rest[0] == '\'' || rest[0] == '"') {
		if j := strings.IndexByte(rest[1:], rest[0]); j >= 0 {
			return pep.NormalizeName(rest[1 : 1+j])
		}
	}
	return "main"
}
