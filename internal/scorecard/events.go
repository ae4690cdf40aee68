package scorecard

import (
	"time"

	"pinwheel.dev/pinwheel/internal/notify"
)

// Events are the scorecard.alert events for breaches, one each, as the
// notifiers send them (docs/scorecard.md shows the payload).
func Events(breaches []Breach, now time.Time) []notify.Event {
	out := make([]notify.Event, 0, len(breaches))
	for _, b := range breaches {
		out = append(out, notify.AlertEvent(b.Service, b.Message, notify.Alert{Metric: b.Metric, Value: b.Value,
			Previous: b.Previous, Limit: b.Limit, Rule: b.Rule, Since: b.Period.Since, Until: b.Period.Until}, now))
	}
	return out
}
