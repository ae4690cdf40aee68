package lock

import (
	"sort"
	"strings"
)

// reqLine is one logical line of a requirements file: physical lines joined
// at trailing backslashes, with the comment removed, as pip reads them.
type reqLine struct {
	text string    // the logical line, comment stripped, not trimmed
	segs []lineSeg // where each joined piece came from, for file:line:col
	line int       // first physical line (1-based)
}

// lineSeg maps text[start:] back to its physical line and column.
type lineSeg struct {
	start, line, col int
}

// pos returns the physical line and column of byte offset off in l.text.
func (l reqLine) pos(off int) (line, col int) {
	// segs are in ascending start order: the last one starting at or
	// before off (binary search, so a long continuation stays linear).
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].start > off })
	seg := l.segs[max(i-1, 0)]
	return seg.line, seg.col + off - seg.start
}

// reqComment is a whole-line comment with its physical line.
type reqComment struct {
	text string // without the leading whitespace
	line int
}

// reqItem is either a logical line or a whole-line comment, in file order.
type reqItem struct {
	req     *reqLine
	comment *reqComment
}

// stripComment removes what pip's COMMENT_RE `(^|\s+)#.*$` matches: a "#"
// at the start or after whitespace starts a comment that runs to the end of
// the line, and takes the whitespace before it along.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '#' || (i > 0 && !isSpaceByte(s[i-1])) {
			continue
		}
		j := i
		for j > 0 && isSpaceByte(s[j-1]) {
			j--
		}
		return s[:j]
	}
	return s
}

func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v' || b == '\n'
}

// splitRequirementLines joins continuation lines and separates comments the
// way pip's req_file.preprocess does, keeping whole-line comments (pip-compile's
// "# via" blocks) as items of their own.
func splitRequirementLines(data string) []reqItem {
	var (
		items []reqItem
		cur   *reqLine
		text  strings.Builder // cur's text so far: appending stays linear
	)
	flush := func() {
		if cur != nil {
			cur.text = stripComment(text.String())
			text.Reset()
			if strings.TrimSpace(cur.text) != "" {
				items = append(items, reqItem{req: cur})
			}
			cur = nil
		}
	}
	physical := strings.Split(data, "\n")
	for i, raw := range physical {
		raw = strings.TrimSuffix(raw, "\r")
		lineNo := i + 1
		if isWholeLineComment(raw) {
			// pip ends a continuation at a comment line.
			flush()
			items = append(items, reqItem{comment: &reqComment{text: strings.TrimLeft(raw, " \t"), line: lineNo}})
			continue
		}
		cont := strings.HasSuffix(raw, `\`)
		piece := raw
		if cont {
			piece = strings.TrimRight(raw, `\`)
		}
		if cur == nil {
			cur = &reqLine{line: lineNo}
		}
		cur.segs = append(cur.segs, lineSeg{start: text.Len(), line: lineNo, col: 1})
		text.WriteString(piece)
		if !cont {
			flush()
		}
	}
	flush()
	return items
}

func isWholeLineComment(raw string) bool {
	return strings.HasPrefix(strings.TrimLeft(raw, " \t"), "#")
}

// reqToken is a whitespace-separated word of a logical line.
type reqToken struct {
	text string
	off  int // byte offset in the logical line
}

func tokenize(s string) []reqToken {
	var toks []reqToken
	start := -1
	for i := 0; i <= len(s); i++ {
		space := i == len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'
		switch {
		case space && start >= 0:
			toks = append(toks, reqToken{text: s[start:i], off: start})
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	return toks
}
