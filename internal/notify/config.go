package notify

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// The notify: section of pinwheel.yaml is config.Notify: internal/config
// decodes it (shapes, positions); this package builds notifiers from it and
// owns the event names its webhooks' events: lists may give.

// Defaults for fields the section leaves out.
const DefaultTokenEnv = config.DefaultTokenEnv

// DefaultLabels are the labels remediation issues get when none are configured.
var DefaultLabels = config.DefaultLabels

// CheckEvents checks the event names the notify: section (decoded from the
// file at path) gives; an unknown one is an *inputerr.Error at its line and
// column.
func CheckEvents(s config.Notify, path string) error {
	for i, w := range s.Webhooks {
		if _, err := webhookEvents(i, w, path); err != nil {
			return err
		}
	}
	return nil
}

// webhookEvents are the events notify.webhooks[i] wants (none: every event).
func webhookEvents(i int, w config.Webhook, path string) ([]EventType, error) {
	var out []EventType
	for j, e := range w.Events {
		if !EventType(e.Name).Known() {
			return nil, inputerr.At(path, e.Line, e.Col, "notify.webhooks[%d].events[%d]: unknown event %q (expected one of: %s)", i, j, e.Name, eventList())
		}
		out = append(out, EventType(e.Name))
	}
	return out, nil
}

func eventList() string {
	names := make([]string, len(EventTypes))
	for i, t := range EventTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
