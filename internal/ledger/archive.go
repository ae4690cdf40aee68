package ledger

import (
	"context"
	"io"
	"time"
)

// Archive moves a whole ledger between stores and into backups: JSON lines,
// a header ({"ledger":"pinwheel","schema":N}) and then one line per row of
// each of Tables, in order: {"table":"releases","row":{column: value}}.
type Archive interface {
	// Export writes every record. The rows are the stored columns, so an
	// import into another store reads back equal records.
	Export(ctx context.Context, w io.Writer) error
	// Import reads an export into an empty ledger of the same schema version,
	// keeping every id, in one transaction; it returns the rows written.
	Import(ctx context.Context, r io.Reader) (int, error)
}

// Schema reports the migrations applied to a ledger.
type Schema interface {
	Migrations(ctx context.Context) ([]Applied, error)
}

// Applied is one migration a ledger has applied.
type Applied struct {
	Version int       `json:"version"`
	At      time.Time `json:"appliedAt"`
}

// ArchiveHeader is the first line of an export.
type ArchiveHeader struct {
	Ledger string `json:"ledger"` // "pinwheel"
	Schema int    `json:"schema"`
}

// ArchiveRow is one row of an export.
type ArchiveRow struct {
	Table string         `json:"table"`
	Row   map[string]any `json:"row"`
}
