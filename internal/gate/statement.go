package gate

import (
	"encoding/json"

	"pinwheel.dev/pinwheel/internal/attest"
)

// PredicateType names the gate-results predicate of the in-toto statement
// `pinwheel gate` writes beside the image's provenance.
const PredicateType = "https://pinwheel.dev/gate-results/v1"

// Statement renders rep as an in-toto Statement v1 whose subject is the
// image (name, sha256 digest) and whose predicate is the report: when the
// gates ran, whether all passed, and each gate's result. The same report
// gives the same bytes.
func Statement(name string, rep Report) ([]byte, error) {
	if name == "" {
		name = rep.Service
	}
	pred, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	return attest.Statement(name, rep.ImageDigest, PredicateType, pred)
}
