package ledger

import (
	"context"
	"encoding/json"
	"time"
)

// GateRun is one `pinwheel gate` run over an image: whether every gate
// passed and the gates' results (internal/gate's report as JSON, opaque
// to the ledger).
type GateRun struct {
	ID          int64           `json:"id"`
	ImageDigest string          `json:"imageDigest"`
	Service     string          `json:"service"`
	At          time.Time       `json:"at"`
	Passed      bool            `json:"passed"`
	Report      json.RawMessage `json:"report"`
}

// GateRuns records gate runs per image digest.
type GateRuns interface {
	RecordGateRun(ctx context.Context, g GateRun) (int64, error)
	// LatestGateRun returns the newest gate run of the image with digest,
	// or ErrNotFound.
	LatestGateRun(ctx context.Context, digest string) (GateRun, error)
}

// gateRunsMigration adds the gate_runs table.
const gateRunsMigration = `CREATE TABLE gate_runs (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		image_digest TEXT NOT NULL,
		service TEXT NOT NULL,
		at TEXT NOT NULL,
		passed INTEGER NOT NULL,
		report TEXT NOT NULL
	);
	CREATE INDEX gate_runs_digest ON gate_runs(image_digest, id);`
