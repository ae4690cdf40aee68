package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Slack's documented limits for the blocks used here.
const (
	slackHeaderMax  = 150
	slackFieldMax   = 2000
	slackSectionMax = 3000
	slackFieldsMax  = 10
)

// Slack is a Slack incoming-webhook payload (https://api.slack.com/messaging/webhooks):
// Text is the notification fallback, Blocks the message layout.
type Slack struct {
	Text   string       `json:"text"`
	Blocks []SlackBlock `json:"blocks"`
}

// SlackBlock is one Block Kit block (header, section, context or divider).
type SlackBlock struct {
	Type     string      `json:"type"`
	Text     *SlackText  `json:"text,omitempty"`
	Fields   []SlackText `json:"fields,omitempty"`
	Elements []SlackText `json:"elements,omitempty"`
}

// SlackText is a Block Kit text object.
type SlackText struct {
	Type string `json:"type"` // plain_text or mrkdwn
	Text string `json:"text"`
}

// SlackMessage lays ev out as a Slack message: a headline, the service and
// both releases' build metadata as fields, the reason, failing verdicts, and
// the time and link as context.
func SlackMessage(ev Event) Slack {
	headline := slackIcon(ev.Type) + " " + ev.Headline()
	msg := Slack{Text: clip(headline, slackSectionMax)}
	msg.Blocks = append(msg.Blocks, SlackBlock{Type: "header",
		Text: &SlackText{Type: "plain_text", Text: clip(headline, slackHeaderMax)}})

	b := ev.Release.Build
	fields := []SlackText{
		mrkdwnField("Service", ev.Service),
		mrkdwnField("Release", releaseLabel(ev.Release)),
	}
	if ev.Stable != nil {
		fields = append(fields, mrkdwnField("Stable", releaseLabel(*ev.Stable)))
	}
	fields = append(fields, mrkdwnField("Step / weight", fmt.Sprintf("%d / %d%%", ev.Step, ev.Weight)))
	for _, f := range [][2]string{
		{"Lock hash", code(b.LockHash)},
		{"Image digest", code(b.ImageDigest)},
		{"Git SHA", code(short(b.GitCommit, 12))},
		{"CI run", ciRun(b.CIRunID, b.CIRunURL)},
	} {
		if f[1] != "" && len(fields) < slackFieldsMax {
			fields = append(fields, mrkdwnField(f[0], f[1]))
		}
	}
	msg.Blocks = append(msg.Blocks, SlackBlock{Type: "section", Fields: fields})

	if ev.Reason != "" {
		msg.Blocks = append(msg.Blocks, SlackBlock{Type: "section",
			Text: &SlackText{Type: "mrkdwn", Text: clip("*Reason:* "+slackEscape(ev.Reason), slackSectionMax)}})
	}
	var failing []string
	for _, v := range ev.Verdicts {
		if v.Outcome != analysis.Pass {
			failing = append(failing, "• "+slackEscape(v.String()))
		}
	}
	if len(failing) > 0 {
		msg.Blocks = append(msg.Blocks, SlackBlock{Type: "section",
			Text: &SlackText{Type: "mrkdwn", Text: clip("*Failing checks*\n"+strings.Join(failing, "\n"), slackSectionMax)}})
	}
	ctx := []SlackText{{Type: "mrkdwn", Text: ev.Time.UTC().Format(time.RFC3339)}}
	if ev.RolloutID != 0 {
		ctx = append(ctx, SlackText{Type: "mrkdwn", Text: fmt.Sprintf("rollout #%d", ev.RolloutID)})
	}
	if ev.Link != "" {
		ctx = append(ctx, SlackText{Type: "mrkdwn", Text: clip(slackLink(ev.Link), slackFieldMax)})
	}
	msg.Blocks = append(msg.Blocks, SlackBlock{Type: "context", Elements: ctx})
	return msg
}

func mrkdwnField(label, value string) SlackText {
	if value == "" {
		value = "–"
	}
	return SlackText{Type: "mrkdwn", Text: clip("*"+label+"*\n"+value, slackFieldMax)}
}

func releaseLabel(r ReleaseRef) string {
	s := slackEscape(r.ID)
	if r.Build.Version != "" && r.Build.Version != r.ID {
		s += " (" + slackEscape(r.Build.Version) + ")"
	}
	return s
}

func ciRun(id, url string) string {
	switch {
	case url != "" && id != "":
		return "<" + url + "|" + slackEscape(id) + ">"
	case url != "":
		return "<" + url + ">"
	}
	return slackEscape(id)
}

func slackLink(link string) string {
	if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
		return "<" + link + ">"
	}
	return code(link)
}

func slackIcon(t EventType) string {
	switch t {
	case RolloutPromoted:
		return "✅"
	case RolloutRolledBack, RolloutRollingBack, RolloutFailed:
		return "🔴"
	case RolloutAborted, RolloutPaused:
		return "⏸"
	}
	return "🔵"
}

// slackEscape escapes the three characters Slack's mrkdwn treats as control.
func slackEscape(s string) string {
	return slackEscaper.Replace(s)
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(slackEscape(s), "`", "'") + "`"
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// clip cuts s to at most max runes, ending with "…" when cut. It reads
// only as far as it keeps.
func clip(s string, max int) string {
	if len(s) <= max {
		return s // fewer bytes than max means fewer runes
	}
	n := 0
	for i := range s {
		if n == max-1 {
			if _, size := utf8.DecodeRuneInString(s[i:]); i+size == len(s) {
				return s // s[i:] is the last rune: exactly max
			}
			return s[:i] + "…"
		}
		n++
	}
	return s
}
