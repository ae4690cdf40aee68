package notify

import (
	"sort"
	"strings"
)

// fit renders r within maxLen bytes: it keeps as many log lines as fit, then
// (if the log alone is not enough) as many samples as fit; if the report is
// still too long, it is cut at a line boundary with a note.
func fit(r Remediation, maxLen int) string {
	render := r.prepare().render
	full := cut{logLines: len(r.LogTail), samples: len(r.Samples)}
	out := render(full)
	if maxLen <= 0 || len(out) <= maxLen {
		return out
	}
	fits := func(c cut) bool { return len(render(c)) <= maxLen }
	c := full
	c.logLines = 0
	if fits(c) {
		// Largest number of log lines that still fits.
		c.logLines = sort.Search(len(r.LogTail)+1, func(n int) bool {
			return !fits(cut{logLines: n, samples: full.samples})
		}) - 1
		return render(c)
	}
	c.samples = 0
	if fits(c) {
		c.samples = sort.Search(len(r.Samples)+1, func(n int) bool {
			return !fits(cut{logLines: 0, samples: n})
		}) - 1
		return render(c)
	}
	return hardCut(render(c), maxLen)
}

const hardCutNote = "\n\n> **Note:** the report was cut here to fit the tracker's size limit.\n"

// hardCut ends s at the last line break that leaves room for the note.
func hardCut(s string, maxLen int) string {
	room := maxLen - len(hardCutNote)
	if room <= 0 {
		return strings.ToValidUTF8(hardCutNote[:min(maxLen, len(hardCutNote))], "")
	}
	s = s[:room]
	if i := strings.LastIndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	return strings.ToValidUTF8(s, "") + hardCutNote
}
