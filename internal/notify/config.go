package notify

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Config is the `notify:` section of pinwheel.yaml (config.Notify) as the
// notifiers are built from it.
type Config struct {
	Webhooks []WebhookConfig
	GitHub   *GitHubConfig
	// ReportDir is where remediation reports go as markdown files when no
	// tracker is configured (or the tracker fails); relative to the project.
	ReportDir string
	// Attempts per event (Retrying) and queue length per webhook (Async).
	Attempts  int
	QueueSize int
}

// WebhookConfig is one entry of notify.webhooks.
type WebhookConfig struct {
	URL       string      // the endpoint; or
	URLEnv    string      // the environment variable holding it (Slack URLs are secrets)
	SecretEnv string      // environment variable holding the HMAC secret
	Format    Format      // json (default) or slack
	Events    []EventType // empty: every event
	Line, Col int         // where the entry starts, for errors
}

// GitHubConfig is notify.github.
type GitHubConfig struct {
	Repo      string // owner/name
	BaseURL   string // API root; GitHub Enterprise: https://HOST/api/v3
	TokenEnv  string // environment variable holding the token; default GITHUB_TOKEN
	Labels    []string
	Line, Col int
}

// Defaults for fields the section leaves out.
const DefaultTokenEnv = config.DefaultTokenEnv

// DefaultLabels are the labels remediation issues get when none are configured.
var DefaultLabels = config.DefaultLabels

// FromSection builds the Config of the notify: section (decoded by
// internal/config from the file at path), checking the event names it
// gives. An empty section is the zero Config. Errors are *inputerr.Error at
// the offending line and column.
func FromSection(s config.Notify, path string) (Config, error) {
	cfg := Config{ReportDir: s.ReportDir, Attempts: s.Attempts, QueueSize: s.QueueSize}
	for i, w := range s.Webhooks {
		wc := WebhookConfig{URL: w.URL, URLEnv: w.URLEnv, SecretEnv: w.SecretEnv, Format: Format(w.Format), Line: w.Line, Col: w.Col}
		for j, e := range w.Events {
			if !EventType(e.Name).Known() {
				return cfg, inputerr.At(path, e.Line, e.Col, "notify.webhooks[%d].events[%d]: unknown event %q (expected one of: %s)", i, j, e.Name, eventList())
			}
			wc.Events = append(wc.Events, EventType(e.Name))
		}
		cfg.Webhooks = append(cfg.Webhooks, wc)
	}
	if g := s.GitHub; g != nil {
		cfg.GitHub = &GitHubConfig{Repo: g.Repo, BaseURL: g.BaseURL, TokenEnv: g.TokenEnv, Labels: g.Labels, Line: g.Line, Col: g.Col}
	}
	return cfg, nil
}

func eventList() string {
	names := make([]string, len(EventTypes))
	for i, t := range EventTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
