package notify

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// decode parses a whole pinwheel.yaml-like document and checks its notify
// section's events.
func decode(t testing.TB, doc string) (config.Notify, error) {
	c, err := config.Parse("pinwheel.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	sec, err := c.NotifySection()
	if err != nil {
		return sec, err
	}
	return sec, CheckEvents(sec, "pinwheel.yaml")
}

const fullConfig = `service: hello
notify:
  webhooks:
    - url: https://hooks.example.com/pinwheel
      secretEnv: PINWHEEL_WEBHOOK_SECRET
      events: [rollout.started, rollout.rolled-back]
    - urlEnv: SLACK_WEBHOOK_URL
      format: slack
  github:
    repo: acme/hello
    baseURL: https://github.example.com/api/v3
    tokenEnv: GH_TOKEN
  reportDir: out/incidents
  attempts: 3
`

func TestDecode(t *testing.T) {
	cfg, err := decode(t, fullConfig)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Webhooks) != 2 {
		t.Fatalf("webhooks: %+v", cfg.Webhooks)
	}
	w0, w1 := cfg.Webhooks[0], cfg.Webhooks[1]
	if w0.URL != "https://hooks.example.com/pinwheel" || w0.SecretEnv != "PINWHEEL_WEBHOOK_SECRET" || Format(w0.Format) != FormatJSON ||
		!slices.Equal(eventNames(w0.Events), []string{string(RolloutStarted), string(RolloutRolledBack)}) || w0.Line != 4 {
		t.Errorf("webhook 0: %+v", w0)
	}
	if w1.URLEnv != "SLACK_WEBHOOK_URL" || Format(w1.Format) != FormatSlack || len(w1.Events) != 0 {
		t.Errorf("webhook 1: %+v", w1)
	}
	g := cfg.GitHub
	if g == nil || g.Repo != "acme/hello" || g.BaseURL != "https://github.example.com/api/v3" || g.TokenEnv != "GH_TOKEN" ||
		!slices.Equal(g.Labels, DefaultLabels) {
		t.Errorf("github: %+v", g)
	}
	if cfg.ReportDir != "out/incidents" || cfg.Attempts != 3 {
		t.Errorf("cfg: %+v", cfg)
	}
	empty, err := decode(t, "service: hello\n")
	if err != nil || len(empty.Webhooks) != 0 || empty.GitHub != nil {
		t.Errorf("absent section: %+v, %v", empty, err)
	}
	if err := CheckEvents(config.Notify{}, "x"); err != nil {
		t.Errorf("empty section: %v", err)
	}
}

func eventNames(es []config.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		line, col int
		msg       string
	}{
		{name: "not_a_mapping", doc: "notify: [1]\n", line: 1, col: 9, msg: "expected a mapping"},
		{name: "unknown_key", doc: "notify:\n  slack: x\n", line: 2, col: 3, msg: `unknown key "slack" (expected one of: attempts, github, queueSize, reportDir, webhooks)`},
		{name: "webhooks_not_list", doc: "notify:\n  webhooks: {url: x}\n", line: 2, col: 13, msg: "notify.webhooks: expected a list"},
		{name: "no_url", doc: "notify:\n  webhooks:\n    - secretEnv: S\n", line: 3, col: 7, msg: "expected url or urlEnv"},
		{name: "both_urls", doc: "notify:\n  webhooks:\n    - {url: 'https://a', urlEnv: U, secretEnv: S}\n", line: 3, col: 7, msg: "exclusive"},
		{name: "relative_url", doc: "notify:\n  webhooks:\n    - url: /hook\n      secretEnv: S\n", line: 3, col: 7, msg: "absolute http(s) URL"},
		{name: "unsigned_json", doc: "notify:\n  webhooks:\n    - url: https://a/b\n", line: 3, col: 7, msg: "must be signed"},
		{name: "bad_format", doc: "notify:\n  webhooks:\n    - url: https://a\n      format: xml\n", line: 4, col: 15, msg: "expected json or slack"},
		{name: "unknown_event", doc: "notify:\n  webhooks:\n    - url: https://a\n      secretEnv: S\n      events: [rollout.done]\n", line: 5, col: 16, msg: `unknown event "rollout.done"`},
		{name: "bad_env_name", doc: "notify:\n  webhooks:\n    - url: https://a\n      secretEnv: my-secret\n", line: 4, col: 18, msg: "environment variable name"},
		{name: "secret_is_list", doc: "notify:\n  webhooks:\n    - url: https://a\n      secretEnv: [a]\n", line: 4, col: 18, msg: "expected a string, got a list"},
		{name: "duplicate_key", doc: "notify:\n  reportDir: a\n  reportDir: b\n", line: 3, col: 3, msg: "duplicate key"},
		{name: "github_bad_repo", doc: "notify:\n  github:\n    repo: hello\n", line: 3, col: 11, msg: "expected owner/name"},
		{name: "github_no_repo", doc: "notify:\n  github:\n    tokenEnv: T\n", line: 3, col: 5, msg: "expected repo"},
		{name: "github_bad_base", doc: "notify:\n  github:\n    repo: a/b\n    baseURL: github.example.com\n", line: 4, col: 14, msg: "absolute http(s) URL"},
		{name: "attempts_zero", doc: "notify:\n  attempts: 0\n", line: 2, col: 13, msg: "integer from 1 to 10000"},
		{name: "attempts_string", doc: "notify:\n  attempts: many\n", line: 2, col: 13, msg: `got "many"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, tt.doc)
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *inputerr.Error", err)
			}
			if ie.Path != "pinwheel.yaml" || ie.Line != tt.line || ie.Col != tt.col || !strings.Contains(ie.Msg, tt.msg) {
				t.Fatalf("err = %v, want pinwheel.yaml:%d:%d: …%s…", err, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestFromConfig(t *testing.T) {
	cfg, err := decode(t, fullConfig)
	if err != nil {
		t.Fatal(err)
	}
	hook, slack := newRecorder(t), newRecorder(t)
	cfg.Webhooks[0].URL = hook.URL + "/pinwheel"
	refusing := newRecorder(t, answer{status: 401}, answer{status: 401})
	cfg.GitHub.BaseURL = refusing.URL + "/api/v3"
	env := map[string]string{"PINWHEEL_WEBHOOK_SECRET": "s3cret", "SLACK_WEBHOOK_URL": slack.URL + "/services/T/B/X", "GH_TOKEN": "t"}
	dir := t.TempDir()
	n, tracker, err := FromConfig(cfg, Deps{Path: "pinwheel.yaml", Dir: dir, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []EventType{RolloutStarted, RolloutStep, RolloutRolledBack} {
		ev := sampleEvent()
		ev.Type = typ
		if err := n.Notify(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := Close(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if got := len(hook.requests()); got != 2 {
		t.Errorf("json webhook got %d events, want 2 (filtered to started and rolled-back)", got)
	}
	for _, r := range hook.requests() {
		if err := Verify([]byte("s3cret"), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), r.Body, fixedClock(), DefaultTolerance); err != nil {
			t.Errorf("signature: %v", err)
		}
	}
	if got := len(slack.requests()); got != 3 {
		t.Errorf("slack webhook got %d events, want 3", got)
	}
	if tracker.Name() != "github acme/hello" || tracker.MaxBody() != GitHubMaxBody {
		t.Errorf("tracker %s", tracker.Name())
	}
	// GitHub refuses the token here (401, not retried): the report falls back to a file in reportDir.
	filed, err := FileRemediation(context.Background(), tracker, sampleRemediation(t))
	if err != nil || filed.Fallback == nil || filepath.Dir(filed.Location) != filepath.Join(dir, "out/incidents") {
		t.Errorf("filed %+v, %v", filed, err)
	}
}

func TestFromConfigMissingSecret(t *testing.T) {
	cfg, _ := decode(t, fullConfig)
	_, _, err := FromConfig(cfg, Deps{Path: "pinwheel.yaml", LookupEnv: func(string) (string, bool) { return "", false }})
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Line != 4 || !strings.Contains(ie.Msg, "PINWHEEL_WEBHOOK_SECRET is not set") {
		t.Fatalf("err = %v", err)
	}
}

func TestFromConfigDefaultsToReportFiles(t *testing.T) {
	dir := t.TempDir()
	n, tracker, err := FromConfig(config.Notify{}, Deps{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	if ft, ok := tracker.(FileTracker); !ok || ft.Dir != filepath.Join(dir, DefaultReportDir) {
		t.Fatalf("tracker %#v", tracker)
	}
}
