package localindex

import (
	"mime"
	"strconv"
	"strings"
)

const (
	typeJSON       = "application/vnd.pypi.simple.v1+json"
	typeLatestJSON = "application/vnd.pypi.simple.latest+json"
	typeHTML       = "application/vnd.pypi.simple.v1+html"
	typeLatestHTML = "application/vnd.pypi.simple.latest+html"
	typeLegacyHTML = "text/html"
)

// negotiate picks the response type for an Accept header (PEP 691): the
// highest quality acceptable type; ties go to the order we list them; no
// header means legacy HTML. ok is false when nothing acceptable is offered.
func negotiate(accept string) (contentType string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return typeLegacyHTML, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, has := params["q"]; has {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		var offer string
		switch mt {
		case typeJSON, typeLatestJSON:
			offer = typeJSON
		case typeHTML, typeLatestHTML:
			offer = typeHTML
		case typeLegacyHTML, "text/*", "*/*":
			offer = typeLegacyHTML
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best, best != ""
}
