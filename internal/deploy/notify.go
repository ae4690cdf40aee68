package deploy

import (
	"context"
	"log/slog"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/notify"
)

// Notifiers builds what the project's notify section asks for: webhooks
// (asynchronous, retried, recorded in the ledger) and the remediation
// tracker (GitHub, or markdown report files under reportDir, by default
// .pinwheel/incidents). Close the notifier with notify.Close.
func Notifiers(p *Project, store ledger.Events, logger *slog.Logger) (notify.Notifier, notify.IssueTracker, error) {
	return notify.FromConfig(p.Notify, notify.Deps{Path: p.Config.Path, Dir: p.Dir, Recorder: deliveries{store}, Logger: logger})
}

// deliveries records notify's delivery attempts as ledger notifications.
type deliveries struct{ store ledger.Events }

func (d deliveries) RecordDelivery(ctx context.Context, x notify.Delivery) error {
	_, err := d.store.RecordNotification(ctx, ledger.Notification{RolloutID: x.RolloutID, At: x.At, Kind: x.Kind,
		Target: x.Target, Event: x.Event, Status: x.Status, Attempts: x.Attempts, Error: x.Error})
	return err
}
