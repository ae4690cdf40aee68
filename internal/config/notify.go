package config

import (
	"fmt"
	"net/url"
	"regexp"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Notify is the notify: section of pinwheel.yaml, checked for shape; the
// event names are internal/notify's to check (Event carries their place).
type Notify struct {
	Webhooks []Webhook
	GitHub   *GitHub
	// ReportDir is where remediation reports go as markdown files when no
	// tracker is configured (or the tracker fails); relative to the project.
	ReportDir string
	// Attempts per event and queue length per webhook; 0 means the default.
	Attempts  int
	QueueSize int
}

// Webhook is one entry of notify.webhooks.
type Webhook struct {
	URL       string  // the endpoint; or
	URLEnv    string  // the environment variable holding it (Slack URLs are secrets)
	SecretEnv string  // environment variable holding the HMAC secret
	Format    string  // json (default) or slack
	Events    []Event // empty: every event
	Line, Col int     // where the entry starts
}

// Event is one name in a webhook's events: list and where it was written.
type Event struct {
	Name      string
	Line, Col int
}

// GitHub is notify.github.
type GitHub struct {
	Repo      string // owner/name
	BaseURL   string // API root; GitHub Enterprise: https://HOST/api/v3
	TokenEnv  string // environment variable holding the token; default DefaultTokenEnv
	Labels    []string
	Line, Col int
}

// DefaultTokenEnv is the variable notify.github.tokenEnv defaults to.
const DefaultTokenEnv = "GITHUB_TOKEN"

// DefaultLabels are the labels remediation issues get when none are configured.
var DefaultLabels = []string{"pinwheel", "rollback"}

var (
	envName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	repoName = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
)

// decodeNotify decodes the notify: section node of the file at path. An
// absent section is the zero Notify.
func decodeNotify(node *yaml.Node, path string) (Notify, error) {
	var cfg Notify
	if isNull(node) {
		return cfg, nil
	}
	d := walker{path: path}
	err := d.mapping(node, "notify", fields{
		"webhooks": func(_, n *yaml.Node) error {
			return d.list(n, "notify.webhooks", func(i int, item *yaml.Node) error {
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
		"reportDir": func(_, n *yaml.Node) error { return d.str(n, "notify.reportDir", &cfg.ReportDir) },
		"attempts":  func(_, n *yaml.Node) error { return d.intIn(n, "notify.attempts", 1, 10000, &cfg.Attempts) },
		"queueSize": func(_, n *yaml.Node) error { return d.intIn(n, "notify.queueSize", 1, 10000, &cfg.QueueSize) },
	})
	return cfg, err
}

func (d walker) webhook(n *yaml.Node, key string) (Webhook, error) {
	w := Webhook{Format: "json", Line: n.Line, Col: n.Column}
	err := d.mapping(n, key, fields{
		"url":       func(_, v *yaml.Node) error { return d.str(v, key+".url", &w.URL) },
		"urlEnv":    func(_, v *yaml.Node) error { return d.env(v, key+".urlEnv", &w.URLEnv) },
		"secretEnv": func(_, v *yaml.Node) error { return d.env(v, key+".secretEnv", &w.SecretEnv) },
		"format": func(_, v *yaml.Node) error {
			if err := d.str(v, key+".format", &w.Format); err != nil {
				return err
			}
			if w.Format != "json" && w.Format != "slack" {
				return d.at(v, "%s.format: expected json or slack, got %q", key, w.Format)
			}
			return nil
		},
		"events": func(_, v *yaml.Node) error {
			return d.list(v, key+".events", func(i int, item *yaml.Node) error {
				e := Event{Line: item.Line, Col: item.Column}
				err := d.str(item, fmt.Sprintf("%s.events[%d]", key, i), &e.Name)
				w.Events = append(w.Events, e)
				return err
			})
		},
	})
	if err != nil {
		return w, err
	}
	switch {
	case w.URL == "" && w.URLEnv == "":
		return w, d.at(n, "%s: expected url or urlEnv", key)
	case w.URL != "" && w.URLEnv != "":
		return w, d.at(n, "%s: url and urlEnv are exclusive; give one", key)
	case w.URL != "" && !absoluteHTTP(w.URL):
		return w, inputerr.At(d.path, n.Line, n.Column, "%s.url: expected an absolute http(s) URL, got %q", key, inputerr.RedactURL(w.URL))
	case w.Format == "json" && w.SecretEnv == "":
		return w, d.at(n, "%s: json webhooks must be signed: set secretEnv to the environment variable holding the secret", key)
	}
	return w, nil
}

func (d walker) github(n *yaml.Node) (GitHub, error) {
	g := GitHub{TokenEnv: DefaultTokenEnv, Line: n.Line, Col: n.Column}
	labelsSet := false
	err := d.mapping(n, "notify.github", fields{
		"repo": func(_, v *yaml.Node) error {
			if err := d.str(v, "notify.github.repo", &g.Repo); err != nil {
				return err
			}
			if !repoName.MatchString(g.Repo) {
				return d.at(v, "notify.github.repo: expected owner/name, got %q", g.Repo)
			}
			return nil
		},
		"baseURL": func(_, v *yaml.Node) error {
			if err := d.str(v, "notify.github.baseURL", &g.BaseURL); err != nil {
				return err
			}
			if !absoluteHTTP(g.BaseURL) {
				return d.at(v, "notify.github.baseURL: expected an absolute http(s) URL such as https://github.example.com/api/v3, got %q", g.BaseURL)
			}
			return nil
		},
		"tokenEnv": func(_, v *yaml.Node) error { return d.env(v, "notify.github.tokenEnv", &g.TokenEnv) },
		"labels": func(_, v *yaml.Node) error {
			labelsSet = true
			return d.list(v, "notify.github.labels", func(i int, item *yaml.Node) error {
				var s string
				err := d.str(item, fmt.Sprintf("notify.github.labels[%d]", i), &s)
				g.Labels = append(g.Labels, s)
				return err
			})
		},
	})
	if err != nil {
		return g, err
	}
	if g.Repo == "" {
		return g, d.at(n, "notify.github: expected repo (owner/name)")
	}
	if !labelsSet {
		g.Labels = append([]string(nil), DefaultLabels...)
	}
	return g, nil
}

// env decodes the name of an environment variable.
func (d walker) env(n *yaml.Node, key string, out *string) error {
	if err := d.str(n, key, out); err != nil {
		return err
	}
	if !envName.MatchString(*out) {
		return d.at(deref(n), "%s: expected an environment variable name (letters, digits, _), got %q", key, *out)
	}
	return nil
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
