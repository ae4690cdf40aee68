package notify

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Deps are what FromConfig wires into the notifiers it builds.
type Deps struct {
	// Path is the config file (for errors), Dir the project directory a
	// relative reportDir is resolved against.
	Path, Dir string
	// LookupEnv reads secrets named in the config; default os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Recorder, when set, gets a Delivery for every attempt.
	Recorder   DeliveryRecorder
	HTTPClient *http.Client
	Logger     *slog.Logger
	Clock      func() time.Time
}

// FromConfig builds the notifier and the issue tracker the notify: section
// cfg describes (an unknown event name is an input error, see CheckEvents). Each
// webhook is Only(events) → Async(queue) → Retrying → Recording → Webhook,
// so one slow receiver holds up neither the rollout nor the others; the
// result fans out with Multi. Close it with Close(ctx, n) to drain the
// queues. The tracker is GitHub falling back to report files, or report files
// alone. A secret variable named in the config but unset is an input error.
func FromConfig(cfg config.Notify, deps Deps) (Notifier, IssueTracker, error) {
	dests, err := Destinations(cfg, deps)
	if err != nil {
		return nil, nil, err
	}
	tracker, err := Tracker(cfg, deps)
	if err != nil {
		return nil, nil, err
	}
	queue := cfg.QueueSize
	if queue == 0 {
		queue = DefaultQueueSize
	}
	ns := make([]Notifier, len(dests))
	for i, d := range dests {
		ns[i] = Only(Async(d.Notifier, queue, deps.withDefaults().Logger), d.Events...)
	}
	return Multi(ns...), tracker, nil
}

// Destination is one configured webhook, ready to send synchronously
// (Retrying → Recording → Webhook), with the events it wants.
type Destination struct {
	Label    string // "webhooks[0]": where it is in the config
	Notifier Notifier
	Events   []EventType // empty: every event
}

func (deps Deps) withDefaults() Deps {
	if deps.LookupEnv == nil {
		deps.LookupEnv = os.LookupEnv
	}
	if deps.Logger == nil {
		deps.Logger = discardLogger()
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.HTTPClient == nil {
		deps.HTTPClient = NewHTTPClient(10 * time.Second)
	}
	return deps
}

func (deps Deps) env(name string, line, col int, key string) (string, error) {
	v, ok := deps.LookupEnv(name)
	if !ok || v == "" {
		return "", inputerr.At(deps.Path, line, col, "%s: environment variable %s is not set", key, name)
	}
	return v, nil
}

// Destinations builds each configured webhook without a queue: a caller
// that wants every answer (pinwheel notify test) sends to them directly.
func Destinations(cfg config.Notify, deps Deps) ([]Destination, error) {
	deps = deps.withDefaults()
	if err := CheckEvents(cfg, deps.Path); err != nil {
		return nil, err
	}
	var out []Destination
	for i, wc := range cfg.Webhooks {
		u := wc.URL
		if wc.URLEnv != "" {
			v, err := deps.env(wc.URLEnv, wc.Line, wc.Col, "webhook url")
			if err != nil {
				return nil, err
			}
			u = v
		}
		events, _ := webhookEvents(i, wc, deps.Path) // checked above
		opts := []WebhookOption{WithFormat(Format(wc.Format)), WithHTTPClient(deps.HTTPClient), WithClock(deps.Clock)}
		if wc.SecretEnv != "" {
			secret, err := deps.env(wc.SecretEnv, wc.Line, wc.Col, "webhook secret")
			if err != nil {
				return nil, err
			}
			opts = append(opts, WithSecret([]byte(secret)))
		}
		w, err := NewWebhook(u, opts...)
		if err != nil {
			return nil, inputerr.At(deps.Path, wc.Line, wc.Col, "notify.webhooks[%d]: %v", i, err)
		}
		var n Notifier = w
		if deps.Recorder != nil {
			n = Recording(n, deps.Recorder, WithRecordClock(deps.Clock), WithRecordLogger(deps.Logger))
		}
		n = Retrying(n, WithAttempts(cfg.Attempts), WithRetryLogger(deps.Logger))
		out = append(out, Destination{Label: fmt.Sprintf("webhooks[%d]", i), Notifier: n, Events: events})
	}
	return out, nil
}

// Tracker builds the issue tracker: GitHub falling back to report files when
// notify.github is set, report files alone otherwise.
func Tracker(cfg config.Notify, deps Deps) (IssueTracker, error) {
	deps = deps.withDefaults()
	dir := cfg.ReportDir
	if dir == "" {
		dir = DefaultReportDir
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(deps.Dir, dir)
	}
	var tracker IssueTracker = FileTracker{Dir: dir}
	g := cfg.GitHub
	if g == nil {
		return tracker, nil
	}
	token, err := deps.env(g.TokenEnv, g.Line, g.Col, "notify.github token")
	if err != nil {
		return nil, err
	}
	opts := []GitHubOption{WithGitHubClient(deps.HTTPClient), WithLabels(g.Labels...)}
	if g.BaseURL != "" {
		opts = append(opts, WithBaseURL(g.BaseURL))
	}
	gh, err := NewGitHub(g.Repo, token, opts...)
	if err != nil {
		return nil, inputerr.At(deps.Path, g.Line, g.Col, "notify.github: %v", err)
	}
	retried := RetryingTracker(gh, WithAttempts(DefaultTrackerAttempts), WithRetryLogger(deps.Logger))
	return Fallback(retried, tracker), nil
}
