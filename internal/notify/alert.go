package notify

import "time"

// Alert is a scorecard alert's numbers: the metric, its value this
// period, the value the period before (for a rise), the bound it broke
// (seconds for times, a fraction for rates), the rule as written and the
// period.
type Alert struct {
	Metric   string    `json:"metric"`
	Value    float64   `json:"value"`
	Previous *float64  `json:"previous,omitempty"`
	Limit    float64   `json:"limit"`
	Rule     string    `json:"rule"`
	Since    time.Time `json:"since"`
	Until    time.Time `json:"until"`
}

// AlertEvent is the scorecard.alert event for service: reason is the
// one-line message.
func AlertEvent(service, reason string, a Alert, now time.Time) Event {
	return WithID(Event{Version: SchemaVersion, Type: ScorecardAlert, Time: now, Service: service, Reason: reason, Alert: &a})
}

// Drift is one drift finding: its kind (template-edited,
// replicas-off-spec, unknown-image, …), what drifted, and the recorded
// and live values.
type Drift struct {
	Kind   string `json:"kind"`
	Object string `json:"object"`
	Want   string `json:"want,omitempty"`
	Got    string `json:"got,omitempty"`
}
