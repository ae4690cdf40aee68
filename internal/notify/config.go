package notify

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/yamlnode"
)

// Config is the `notify:` section of pinwheel.yaml.
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
const DefaultTokenEnv = "GITHUB_TOKEN"

// DefaultLabels are the labels remediation issues get when none are configured.
var DefaultLabels = []string{"pinwheel", "rollback"}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Decode reads the notify section (node as config.Config.Notify holds it)
// of the file at path. An absent section is the zero Config. Errors are
// *inputerr.Error at the offending line and column.
func Decode(node *yaml.Node, path string) (Config, error) {
	var cfg Config
	if node == nil || node.Kind == 0 || node.Tag == "!!null" {
		return cfg, nil
	}
	d := decoder{yamlnode.Decoder{Path: path}}
	err := d.Mapping(node, "notify", yamlnode.Fields{
		"webhooks": func(_, n *yaml.Node) error {
			return d.List(n, "notify.webhooks", func(i int, item *yaml.Node) error {
				w, err := d.webhook(item, fmt.Sprintf("notify.webhooks[%d]", i))
				cfg.Webhooks = append(cfg.Webhooks, w)
				return err
			})
		},
		"github": func(_, n *yaml.Node) error {
			g, err := d.github(n)
			cfg.GitHub = &g
			return err
		},
		"reportDir": func(_, n *yaml.Node) error { return d.Str(n, "notify.reportDir", &cfg.ReportDir) },
		"attempts":  func(_, n *yaml.Node) error { return d.Int(n, "notify.attempts", 1, 10000, &cfg.Attempts) },
		"queueSize": func(_, n *yaml.Node) error { return d.Int(n, "notify.queueSize", 1, 10000, &cfg.QueueSize) },
	})
	return cfg, err
}

func (d decoder) webhook(n *yaml.Node, key string) (WebhookConfig, error) {
	w := WebhookConfig{Format: FormatJSON, Line: n.Line, Col: n.Column}
	var format string
	err := d.Mapping(n, key, yamlnode.Fields{
		"url":       func(_, v *yaml.Node) error { return d.Str(v, key+".url", &w.URL) },
		"urlEnv":    func(_, v *yaml.Node) error { return d.env(v, key+".urlEnv", &w.URLEnv) },
		"secretEnv": func(_, v *yaml.Node) error { return d.env(v, key+".secretEnv", &w.SecretEnv) },
		"format": func(_, v *yaml.Node) error {
			if err := d.Str(v, key+".format", &format); err != nil {
				return err
			}
			if format != string(FormatJSON) && format != string(FormatSlack) {
				return d.At(v, "%s.format: expected json or slack, got %q", key, format)
			}
			w.Format = Format(format)
			return nil
		},
		"events": func(_, v *yaml.Node) error {
			return d.List(v, key+".events", func(i int, item *yaml.Node) error {
				var s string
				if err := d.Str(item, fmt.Sprintf("%s.events[%d]", key, i), &s); err != nil {
					return err
				}
				if !EventType(s).Known() {
					return d.At(item, "%s.events[%d]: unknown event %q (expected one of: %s)", key, i, s, eventList())
				}
				w.Events = append(w.Events, EventType(s))
				return nil
			})
		},
	})
	if err != nil {
		return w, err
	}
	switch {
	case w.URL == "" && w.URLEnv == "":
		return w, d.At(n, "%s: expected url or urlEnv", key)
	case w.URL != "" && w.URLEnv != "":
		return w, d.At(n, "%s: url and urlEnv are exclusive; give one", key)
	case w.URL != "" && !absoluteHTTP(w.URL):
		return w, inputerr.At(d.Path, n.Line, n.Column, "%s.url: expected an absolute http(s) URL, got %q", key, redactURL(w.URL))
	case w.Format == FormatJSON && w.SecretEnv == "":
		return w, d.At(n, "%s: json webhooks must be signed: set secretEnv to the environment variable holding the secret", key)
	}
	return w, nil
}

func (d decoder) github(n *yaml.Node) (GitHubConfig, error) {
	g := GitHubConfig{TokenEnv: DefaultTokenEnv, Line: n.Line, Col: n.Column}
	labelsSet := false
	err := d.Mapping(n, "notify.github", yamlnode.Fields{
		"repo": func(_, v *yaml.Node) error {
			if err := d.Str(v, "notify.github.repo", &g.Repo); err != nil {
				return err
			}
			if !repoName.MatchString(g.Repo) {
				return d.At(v, "notify.github.repo: expected owner/name, got %q", g.Repo)
			}
			return nil
		},
		"baseURL": func(_, v *yaml.Node) error {
			if err := d.Str(v, "notify.github.baseURL", &g.BaseURL); err != nil {
				return err
			}
			if !absoluteHTTP(g.BaseURL) {
				return d.At(v, "notify.github.baseURL: expected an absolute http(s) URL such as https://github.example.com/api/v3, got %q", g.BaseURL)
			}
			return nil
		},
		"tokenEnv": func(_, v *yaml.Node) error { return d.env(v, "notify.github.tokenEnv", &g.TokenEnv) },
		"labels": func(_, v *yaml.Node) error {
			labelsSet = true
			return d.List(v, "notify.github.labels", func(i int, item *yaml.Node) error {
				var s string
				err := d.Str(item, fmt.Sprintf("notify.github.labels[%d]", i), &s)
				g.Labels = append(g.Labels, s)
				return err
			})
		},
	})
	if err != nil {
		return g, err
	}
	if g.Repo == "" {
		return g, d.At(n, "notify.github: expected repo (owner/name)")
	}
	if !labelsSet {
		g.Labels = append([]string(nil), DefaultLabels...)
	}
	return g, nil
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func eventList() string {
	names := make([]string, len(EventTypes))
	for i, t := range EventTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
