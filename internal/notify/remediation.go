package notify

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Remediation is the report filed when a rollout rolls back on its own: what
// was running, what changed, which SLIs failed and how, what the failing
// requests and the canary's log looked like, and every decision taken.
type Remediation struct {
	Service   string
	RolloutID int64
	At        time.Time // when the rollback happened
	Reason    string    // the rollback decision's reason

	Failed   changes.Facts // the release rolled back
	Restored changes.Facts // the release serving again

	// Diff is the "what changed" report from Restored to Failed; nil means
	// Render computes it with changes.Compare (without a git log).
	Diff *changes.Diff

	Verdicts  []analysis.Verdict // every verdict of the failing analysis; non-Pass ones are listed
	Samples   []FailedRequest    // failing requests seen on the canary, oldest first
	LogTail   []string           // the canary's last log lines, oldest first
	Decisions []rollout.Decision // the rollout's decision record
	Link      string             // a dashboard or status page, if any
}

// FailedRequest is one failing request sampled by the proxy in front of the canary.
type FailedRequest struct {
	Time    time.Time     `json:"time"`
	Replica string        `json:"replica"`
	Method  string        `json:"method"`
	Path    string        `json:"path"`
	Status  int           `json:"status"` // 0 when the connection failed
	Latency time.Duration `json:"latency"`
	Body    string        `json:"body,omitempty"` // the start of the response body
}

// Title is the issue title; the GitHub tracker comments on an open issue
// with the same title instead of opening another.
func (r Remediation) Title() string {
	return fmt.Sprintf("pinwheel: automatic rollback of %s (%s)", r.Failed.ID, r.Service)
}

// Issue renders r as an issue whose body fits in maxBody bytes (0: no limit).
func (r Remediation) Issue(maxBody int) Issue {
	return Issue{Title: r.Title(), Body: r.Markdown(maxBody), Key: r.Failed.ID, At: r.At}
}

// Markdown renders the report. With maxLen > 0 the result is at most maxLen
// bytes: the log tail is shortened first, then the request samples, and the
// body says what was left out.
func (r Remediation) Markdown(maxLen int) string {
	return fit(r, maxLen)
}

// cut says how much of the long sections a rendering keeps.
type cut struct{ logLines, samples int }

const (
	maxLogLine  = 400 // bytes kept of each log line
	maxBodySnip = 160 // runes kept of each sample's body
	maxPathSnip = 200 // runes kept of each sample's method and path
)

// whatChanged renders the "what changed" section once per report.
func (r Remediation) whatChanged() string {
	d := r.Diff
	if d == nil {
		c := changes.Compare(r.Restored, r.Failed, changes.Options{})
		d = &c
	}
	var b bytes.Buffer
	if err := changes.Write(&b, *d, "markdown"); err != nil {
		fmt.Fprintf(&b, "_Could not render what changed: %s_\n", inline(err.Error()))
	}
	b.WriteString("\n")
	return b.String()
}

// report is a Remediation rendered piece by piece once, so fitting it to a
// size limit only re-assembles strings.
type report struct {
	r          Remediation
	intro      string   // title, summary, reason, link
	body       string   // releases, what changed, failing SLIs
	sampleRows []string // one table row per sample, oldest first
	logLines   []string // clipped log lines, oldest first
	tail       string   // rollback record and footer
}

func (r Remediation) prepare() report {
	p := report{r: r}
	var b bytes.Buffer
	fmt.Fprintf(&b, "## Automatic rollback: `%s` → `%s`\n\n", r.Failed.ID, r.Restored.ID)
	fmt.Fprintf(&b, "pinwheel rolled back **%s** of service **%s** at %s", r.Failed.ID, r.Service, r.At.UTC().Format(time.RFC3339))
	if r.RolloutID != 0 {
		fmt.Fprintf(&b, " (rollout #%d)", r.RolloutID)
	}
	fmt.Fprintf(&b, " and restored **%s**.\n\n", r.Restored.ID)
	if r.Reason != "" {
		fmt.Fprintf(&b, "**Reason:** %s\n\n", inline(r.Reason))
	}
	if r.Link != "" {
		fmt.Fprintf(&b, "More: %s\n\n", r.Link)
	}
	p.intro = b.String()

	b.Reset()
	r.writeBuilds(&b)
	b.WriteString(r.whatChanged())
	r.writeVerdicts(&b)
	p.body = b.String()

	p.sampleRows = sampleRows(r.Samples)
	p.logLines = clipLogLines(r.LogTail)

	b.Reset()
	r.writeDecisions(&b)
	b.WriteString("---\n_Filed by pinwheel. Roll forward with a fixed release; `pinwheel diff " +
		r.Restored.ID + " " + r.Failed.ID + "` shows this comparison again._\n")
	p.tail = b.String()
	return p
}

func (p report) render(c cut) string {
	var b bytes.Buffer
	b.WriteString(p.intro)
	if note := p.r.cutNote(c); note != "" {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", note)
	}
	b.WriteString(p.body)
	writeSamples(&b, p.sampleRows, c.samples)
	writeLogTail(&b, p.logLines, c.logLines)
	b.WriteString(p.tail)
	return b.String()
}

func (r Remediation) cutNote(c cut) string {
	var parts []string
	if c.logLines < len(r.LogTail) {
		parts = append(parts, fmt.Sprintf("the log tail shows the last %d of %d lines", c.logLines, len(r.LogTail)))
	}
	if c.samples < len(r.Samples) {
		parts = append(parts, fmt.Sprintf("%d of %d failing-request samples are shown", c.samples, len(r.Samples)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "this report was shortened to fit the tracker's size limit: " + strings.Join(parts, "; ") + "."
}

func (r Remediation) writeBuilds(b *bytes.Buffer) {
	b.WriteString("### Releases\n\n")
	fmt.Fprintf(b, "| | rolled back | restored |\n|---|---|---|\n")
	row := func(label string, f func(changes.Facts) string) {
		o, n := f(r.Failed), f(r.Restored)
		if o == "" && n == "" {
			return
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", label, cell(o), cell(n))
	}
	info := func(f func(attest.BuildInfo) string) func(changes.Facts) string {
		return func(rel changes.Facts) string { return f(rel.Info) }
	}
	row("release", func(rel changes.Facts) string { return codeSpan(rel.ID) })
	row("version", info(func(i attest.BuildInfo) string { return i.Version }))
	row("image digest", info(func(i attest.BuildInfo) string { return codeSpan(i.ImageDigest) }))
	row("image", func(rel changes.Facts) string { return codeSpan(firstNonEmpty(rel.ImageRef, rel.Info.ImageRef)) })
	row("git commit", info(func(i attest.BuildInfo) string {
		if i.GitCommit == "" {
			return ""
		}
		s := codeSpan(i.GitCommit)
		if i.GitDirty {
			s += " (dirty)"
		}
		return s
	}))
	row("lock hash", info(func(i attest.BuildInfo) string { return codeSpan(i.LockHash) }))
	row("lock format", info(func(i attest.BuildInfo) string { return i.LockFormat }))
	row("python", info(func(i attest.BuildInfo) string { return i.PythonVersion }))
	row("base image", info(func(i attest.BuildInfo) string { return codeSpan(i.BaseImage) }))
	row("base digest", info(func(i attest.BuildInfo) string { return codeSpan(i.BaseDigest) }))
	row("builder", info(func(i attest.BuildInfo) string { return i.BuilderVersion }))
	row("CI run", info(func(i attest.BuildInfo) string {
		switch {
		case i.CIRunURL != "" && i.CIRunID != "":
			return fmt.Sprintf("[%s](%s)", i.CIRunID, i.CIRunURL)
		case i.CIRunURL != "":
			return i.CIRunURL
		}
		return i.CIRunID
	}))
	row("reproducible", info(func(i attest.BuildInfo) string {
		if i.Service == "" {
			return ""
		}
		return fmt.Sprint(i.Reproducible)
	}))
	row("created", func(rel changes.Facts) string {
		if rel.CreatedAt.IsZero() {
			return ""
		}
		return rel.CreatedAt.UTC().Format(time.RFC3339)
	})
	b.WriteString("\n")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
