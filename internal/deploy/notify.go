package deploy

import (
	"log/slog"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/notify"
)

// Notifiers builds what the project's notify section asks for: webhooks
// (asynchronous, retried, recorded in the ledger) and the remediation
// tracker (GitHub, or markdown report files under reportDir, by default
// .pinwheel/incidents). Close the notifier with notify.Close.
func Notifiers(p *Project, store ledger.Store, logger *slog.Logger) (notify.Notifier, notify.IssueTracker, error) {
	return notify.FromConfig(p.Notify, notify.Deps{Path: p.Config.Path, Dir: p.Dir, Recorder: store, Logger: logger})
}
