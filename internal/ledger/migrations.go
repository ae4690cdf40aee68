package ledger

// Migrations are the ledger's schema, applied in order, each once, by every
// store (a database's schema_migrations table holds the versions applied).
// Never edit a released one; add a table or column by appending a
// migration. They are written in SQLite's dialect, restricted to what
// PostgreSQL also reads once sqlstore.Dialect.DDL has rewritten the id
// columns ("INTEGER PRIMARY KEY AUTOINCREMENT") and integer types.
var Migrations = []string{
	`CREATE TABLE builds (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		service TEXT NOT NULL,
		created_at TEXT NOT NULL,
		info TEXT NOT NULL,
		succeeded INTEGER NOT NULL
	);
	CREATE INDEX builds_service ON builds(service, id);
	CREATE TABLE releases (
		id TEXT PRIMARY KEY,
		service TEXT NOT NULL,
		seq INTEGER NOT NULL,
		created_at TEXT NOT NULL,
		info TEXT NOT NULL,
		image_ref TEXT NOT NULL DEFAULT '',
		image_digest TEXT NOT NULL DEFAULT '',
		lock TEXT,
		config TEXT,
		state TEXT NOT NULL,
		known_good INTEGER NOT NULL DEFAULT 0,
		UNIQUE(service, seq)
	);
	CREATE TABLE rollouts (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		service TEXT NOT NULL,
		release_id TEXT NOT NULL REFERENCES releases(id),
		from_release TEXT NOT NULL DEFAULT '',
		target TEXT NOT NULL,
		phase TEXT NOT NULL,
		status TEXT,
		started_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		finished_at TEXT NOT NULL DEFAULT '',
		outcome TEXT NOT NULL DEFAULT '',
		revision INTEGER NOT NULL DEFAULT 1
	);
	CREATE INDEX rollouts_service ON rollouts(service, id);
	CREATE TABLE decisions (
		rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
		seq INTEGER NOT NULL,
		at TEXT NOT NULL,
		step INTEGER NOT NULL,
		phase TEXT NOT NULL,
		action TEXT NOT NULL,
		reason TEXT NOT NULL,
		evidence TEXT,
		PRIMARY KEY (rollout_id, seq)
	);
	CREATE TABLE notifications (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		rollout_id INTEGER NOT NULL DEFAULT 0,
		at TEXT NOT NULL,
		kind TEXT NOT NULL,
		target TEXT NOT NULL,
		event TEXT NOT NULL,
		status TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		error TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE incidents (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		rollout_id INTEGER NOT NULL,
		release_id TEXT NOT NULL,
		at TEXT NOT NULL,
		title TEXT NOT NULL,
		location TEXT NOT NULL,
		summary TEXT NOT NULL DEFAULT ''
	);`,
	`CREATE TABLE commands (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		service TEXT NOT NULL,
		at TEXT NOT NULL,
		body TEXT NOT NULL,
		taken_by INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX commands_pending ON commands(service, taken_by, id);`,
	`ALTER TABLE releases ADD COLUMN deploy TEXT;`,
	`CREATE TABLE rollout_inputs (
		rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
		seq INTEGER NOT NULL,
		at TEXT NOT NULL,
		body TEXT NOT NULL,
		PRIMARY KEY (rollout_id, seq)
	);`,
	gateRunsMigration,
}

// Tables are the ledger's tables in the order export writes and import
// reads them (a table after those it references). A migration that adds a
// table appends it here, and export/import carry it with no other change.
var Tables = []string{"builds", "releases", "rollouts", "decisions", "rollout_inputs", "notifications", "incidents", "commands", "gate_runs"}
