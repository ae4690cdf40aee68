package changes

import (
	"encoding/json"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/lock"
)

// Facts are what is known of one release, whoever keeps it (the ledger's
// Release embeds them; the controller reads them off a Release object on
// the cluster): its identity, the build metadata and lock state it was
// built from, the configuration snapshot, and where it stands. Compare and
// the remediation report read only these.
type Facts struct {
	ID        string           `json:"id"`
	Service   string           `json:"service"`
	CreatedAt time.Time        `json:"createdAt,omitzero"`
	Info      attest.BuildInfo `json:"buildInfo"`
	ImageRef  string           `json:"imageRef,omitempty"`
	Lock      *lock.Lock       `json:"lock,omitempty"`
	// Config is the pinwheel.yaml snapshot (as JSON) the release was built with.
	Config    json.RawMessage `json:"config,omitempty"`
	State     string          `json:"state,omitempty"`
	KnownGood bool            `json:"knownGood"`
}
