package notify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestSlackWebhookPayload(t *testing.T) {
	srv := newRecorder(t)
	w, _ := NewWebhook(srv.URL, WithFormat(FormatSlack), WithClock(fixedClock))
	if err := w.Notify(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	body := srv.requests()[0].Body
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type, Text string
			} `json:"text"`
			Fields []struct {
				Type, Text string
			} `json:"fields"`
			Elements []struct {
				Type, Text string
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !strings.Contains(msg.Text, "hello: rollout of hello-2 rolled back") {
		t.Errorf("fallback text %q", msg.Text)
	}
	if len(msg.Blocks) < 3 || msg.Blocks[0].Type != "header" || msg.Blocks[0].Text.Type != "plain_text" {
		t.Fatalf("blocks: %s", body)
	}
	var fields []string
	for _, b := range msg.Blocks {
		for _, f := range b.Fields {
			if f.Type != "mrkdwn" {
				t.Errorf("field type %q", f.Type)
			}
			fields = append(fields, f.Text)
		}
	}
	all := strings.Join(fields, "\n")
	for _, want := range []string{"*Service*\nhello", "*Release*\nhello-2", "*Stable*\nhello-1", "*Lock hash*\n`sha256:7d1c0e5f3a2`",
		"*Image digest*\n`" + buildV("2").ImageDigest + "`", "*Git SHA*\n`9d3e7a2b5c8f`", "*CI run*\n<https://github.com/acme/hello/actions/runs/1182|1182>"} {
		if !strings.Contains(all, want) {
			t.Errorf("fields lack %q:\n%s", want, all)
		}
	}
	if len(fields) > slackFieldsMax {
		t.Errorf("%d fields; Slack allows %d", len(fields), slackFieldsMax)
	}
	if !strings.Contains(string(body), "*Reason:* analysis failed at step 2") {
		t.Errorf("reason missing: %s", body)
	}
	if !strings.Contains(string(body), "error-rate: Fail") {
		t.Errorf("failing verdict missing: %s", body)
	}
	last := msg.Blocks[len(msg.Blocks)-1]
	if last.Type != "context" || len(last.Elements) != 3 || last.Elements[0].Text != "2026-11-24T20:15:00Z" {
		t.Errorf("context block: %+v", last)
	}
}

func TestSlackLimitsAndEscaping(t *testing.T) {
	ev := sampleEvent()
	ev.Service = strings.Repeat("s", 400)
	ev.Reason = "<script>&" + strings.Repeat("r", 5000)
	msg := SlackMessage(ev)
	if n := len([]rune(msg.Blocks[0].Text.Text)); n > slackHeaderMax {
		t.Errorf("header %d runes", n)
	}
	for _, b := range msg.Blocks {
		if b.Text != nil && len([]rune(b.Text.Text)) > slackSectionMax {
			t.Errorf("%s text %d runes", b.Type, len([]rune(b.Text.Text)))
		}
		if b.Text != nil && strings.Contains(b.Text.Text, "<script>") {
			t.Errorf("unescaped reason: %q", b.Text.Text[:40])
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{name: "short", in: "abc", max: 5, want: "abc"},
		{name: "exact", in: "abcde", max: 5, want: "abcde"},
		{name: "cut", in: "abcdef", max: 5, want: "abcd…"},
		{name: "runes_exact", in: "ééééé", max: 5, want: "ééééé"},
		{name: "runes_cut", in: "éééééé", max: 5, want: "éééé…"},
		{name: "one_over", in: "abcdeé", max: 5, want: "abcd…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in, tt.max); got != tt.want {
				t.Fatalf("clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}
