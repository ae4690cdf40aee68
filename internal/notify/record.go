package notify

import (
	"context"
	"log/slog"
	"time"
)

// Delivery is the outcome of one attempt to deliver an event.
type Delivery struct {
	RolloutID int64
	At        time.Time
	Kind      string // webhook, slack, issue, file
	Target    string // URL or path
	Event     string // rollout.started, rollout.rolled-back, ...
	Status    string // sent, failed
	Attempts  int
	Error     string
}

// DeliveryRecorder keeps Deliveries (the ledger, through an adapter).
type DeliveryRecorder interface {
	RecordDelivery(ctx context.Context, d Delivery) error
}

type recording struct {
	inner Notifier
	store DeliveryRecorder
	now   func() time.Time
	log   *slog.Logger
}

// RecordOption configures Recording.
type RecordOption func(*recording)

// WithRecordClock sets the clock for the records' timestamps.
func WithRecordClock(now func() time.Time) RecordOption {
	return func(r *recording) { r.now = now }
}

// WithRecordLogger logs records the store refused.
func WithRecordLogger(l *slog.Logger) RecordOption { return func(r *recording) { r.log = l } }

// Recording wraps n so every attempt's outcome is written to store as a
// Delivery (status "sent" or "failed", the attempt number, the
// error). Put it inside Retrying to record each attempt, outside to record
// only the final outcome. A store error is logged, never returned: the ledger
// must not turn a delivered message into a failed one.
func Recording(n Notifier, store DeliveryRecorder, opts ...RecordOption) Notifier {
	r := &recording{inner: n, store: store, now: time.Now, log: discardLogger()}
	for _, o := range opts {
		o(r)
	}
	return r
}

func (r *recording) Name() string { return r.inner.Name() }

// Close closes the wrapped notifier if it holds goroutines.
func (r *recording) Close(ctx context.Context) error { return Close(ctx, r.inner) }

func (r *recording) Notify(ctx context.Context, ev Event) error {
	err := r.inner.Notify(ctx, ev)
	rec := Delivery{
		RolloutID: ev.RolloutID,
		At:        r.now().UTC(),
		Kind:      kindOf(r.inner),
		Target:    r.inner.Name(),
		Event:     string(ev.Type),
		Status:    "sent",
		Attempts:  Attempt(ctx),
	}
	if err != nil {
		rec.Status = "failed"
		rec.Error = err.Error()
	}
	// Record even when the delivery's context was cancelled.
	if rerr := r.store.RecordDelivery(context.WithoutCancel(ctx), rec); rerr != nil {
		r.log.WarnContext(ctx, "could not record notification", "target", rec.Target, "event", rec.Event, "err", rerr)
	}
	return err
}

// kindOf asks n for its ledger kind ("webhook", "slack", ...).
func kindOf(n Notifier) string {
	if k, ok := n.(interface{ Kind() string }); ok {
		return k.Kind()
	}
	return "webhook"
}
