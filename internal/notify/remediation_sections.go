package notify

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

func (r Remediation) writeVerdicts(b *bytes.Buffer) {
	b.WriteString("### Failing SLIs\n\n")
	var failing []analysis.Verdict
	for _, v := range r.Verdicts {
		if v.Outcome != analysis.Pass {
			failing = append(failing, v)
		}
	}
	if len(failing) == 0 {
		b.WriteString("No failing verdicts were recorded (the rollback was not caused by analysis).\n\n")
		return
	}
	b.WriteString("| check | kind | outcome | value | threshold | samples | reason |\n|---|---|---|---|---|---|---|\n")
	for _, v := range failing {
		e := v.Evidence
		value := num(e.Value)
		if e.StableValue != nil {
			value = "canary " + value + " vs stable " + num(e.StableValue)
		}
		if e.FastBurn != nil || e.SlowBurn != nil {
			value = "burn " + num(e.FastBurn) + " (fast) / " + num(e.SlowBurn) + " (slow)"
		}
		if e.PValue != nil {
			value += ", p=" + num(e.PValue)
		}
		samples := strconv.Itoa(e.Samples)
		if e.StableSamples > 0 {
			samples += " / " + strconv.Itoa(e.StableSamples)
		}
		fmt.Fprintf(b, "| %s | %s | **%s** | %s | %s | %s | %s |\n", cell(v.Check), v.Kind, v.Outcome,
			cell(value), cell(e.Threshold), samples, cell(v.Reason))
	}
	b.WriteString("\n")
	for _, v := range failing {
		if v.Evidence.Query != "" {
			fmt.Fprintf(b, "- `%s` query: %s\n", v.Check, codeSpan(v.Evidence.Query))
		}
	}
	b.WriteString("\n")
}

// sampleRows renders one markdown table row per failing request.
func sampleRows(samples []FailedRequest) []string {
	rows := make([]string, len(samples))
	for i, s := range samples {
		status := strconv.Itoa(s.Status)
		if s.Status == 0 {
			status = "no response"
		}
		rows[i] = fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n", s.Time.UTC().Format("15:04:05.000"), cell(clip(s.Replica, maxPathSnip)),
			cell(codeSpan(clip(s.Method+" "+s.Path, maxPathSnip))), status, latency(s.Latency), cell(codeSpan(clip(strings.TrimSpace(s.Body), maxBodySnip))))
	}
	return rows
}

// latency rounds to milliseconds, or to microseconds below one.
func latency(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// writeSamples writes the newest keep of rows.
func writeSamples(b *bytes.Buffer, rows []string, keep int) {
	b.WriteString("### Failing requests\n\n")
	if len(rows) == 0 {
		b.WriteString("No failing requests were sampled.\n\n")
		return
	}
	if keep < len(rows) {
		fmt.Fprintf(b, "_Showing the newest %d of %d samples._\n\n", keep, len(rows))
	}
	if keep == 0 {
		return
	}
	b.WriteString("| time | replica | request | status | latency | body |\n|---|---|---|---|---|---|\n")
	for _, row := range rows[len(rows)-keep:] {
		b.WriteString(row)
	}
	b.WriteString("\n")
}

// clipLogLines shortens each line to maxLogLine bytes (on a rune boundary).
func clipLogLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) > maxLogLine {
			l = strings.ToValidUTF8(l[:maxLogLine], "") + "…"
		}
		out[i] = l
	}
	return out
}

// writeLogTail writes the last keep lines in a fence no line can close.
func writeLogTail(b *bytes.Buffer, lines []string, keep int) {
	b.WriteString("### Canary log tail\n\n")
	if len(lines) == 0 {
		b.WriteString("No log lines were captured.\n\n")
		return
	}
	if keep < len(lines) {
		fmt.Fprintf(b, "_Showing the last %d of %d lines._\n\n", keep, len(lines))
	}
	if keep == 0 {
		return
	}
	text := strings.Join(lines[len(lines)-keep:], "\n")
	fence := fenceFor(text)
	fmt.Fprintf(b, "%stext\n%s\n%s\n\n", fence, text, fence)
}

func (r Remediation) writeDecisions(b *bytes.Buffer) {
	b.WriteString("### Rollback record\n\n")
	if len(r.Decisions) == 0 {
		b.WriteString("No decisions were recorded.\n\n")
		return
	}
	b.WriteString("| time | step | phase | action | reason |\n|---|---|---|---|---|\n")
	for _, d := range r.Decisions {
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s |\n", d.Time.UTC().Format(time.RFC3339), d.Step, cell(string(d.Phase)),
			cell(d.Action), cell(d.Reason))
	}
	b.WriteString("\n")
}

// num formats an evidence value; absent values are "–".
func num(f *float64) string {
	if f == nil {
		return "–"
	}
	return strconv.FormatFloat(*f, 'g', 4, 64)
}

// cell makes s safe inside a markdown table cell: no line breaks, pipes escaped.
func cell(s string) string {
	if s == "" {
		return "–"
	}
	return cellEscaper.Replace(s)
}

// Immutable replacers, built once.
var (
	cellEscaper = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`)
	lineJoiner  = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")
)

// inline keeps s on one line.
func inline(s string) string {
	return lineJoiner.Replace(s)
}

// codeSpan wraps s in backticks, using a longer run when s contains some.
func codeSpan(s string) string {
	if s == "" {
		return ""
	}
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return ticks + s + ticks
}

// fenceFor returns a code fence longer than any backtick run in text.
func fenceFor(text string) string {
	return strings.Repeat("`", max(3, longestRun(text, '`')+1))
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
