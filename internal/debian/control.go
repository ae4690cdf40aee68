package debian

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Paragraph is one deb822 control paragraph (Debian Policy §5.1): fields
// by case-insensitive name, each with the line it starts on.
type Paragraph struct {
	Line   int // line of the first field
	fields map[string]field
	order  []string
}

type field struct {
	name  string
	value string // first line, then "\n" + each continuation line as written
	line  int
}

// Has reports whether the paragraph has the field.
func (p Paragraph) Has(name string) bool {
	_, ok := p.fields[strings.ToLower(name)]
	return ok
}

// Get returns a field folded onto one line: continuation lines joined with
// single spaces, surrounding whitespace trimmed ("" when absent).
func (p Paragraph) Get(name string) string {
	f, ok := p.fields[strings.ToLower(name)]
	if !ok {
		return ""
	}
	return strings.Join(strings.Fields(f.value), " ")
}

// Lines returns a multiline field's continuation lines (the part after the
// first line), each without its leading whitespace.
func (p Paragraph) Lines(name string) []string {
	f, ok := p.fields[strings.ToLower(name)]
	if !ok {
		return nil
	}
	parts := strings.Split(f.value, "\n")[1:]
	out := make([]string, 0, len(parts))
	for _, l := range parts {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// FieldLine is the line a field starts on (the paragraph's line when absent).
func (p Paragraph) FieldLine(name string) int {
	if f, ok := p.fields[strings.ToLower(name)]; ok {
		return f.line
	}
	return p.Line
}

// ParseParagraphs reads deb822 paragraphs from r and calls fn for each.
// Paragraphs are separated by lines that are empty or hold only spaces and
// tabs; a field continues on lines starting with a space or tab; lines
// starting with '#' are comments. Errors name path:line.
func ParseParagraphs(r io.Reader, path string, fn func(Paragraph) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var cur Paragraph
	var last string // key of the field continuation lines extend
	n := 0
	flush := func() error {
		if cur.fields == nil {
			return nil
		}
		p := cur
		cur, last = Paragraph{}, ""
		return fn(p)
	}
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(bytes.Trim(line, " \t\r")) == 0 {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		switch line[0] {
		case '#':
			continue
		case ' ', '\t':
			if last == "" {
				return inputerr.At(path, n, 1, "continuation line outside a field")
			}
			f := cur.fields[last]
			f.value += "\n" + strings.TrimRight(string(line), "\r")
			cur.fields[last] = f
			continue
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") || name[0] == '-' {
			return inputerr.At(path, n, 1, "expected \"Field: value\" or a continuation line starting with a space, got %q", truncate(string(line), 60))
		}
		key := strings.ToLower(name)
		if cur.fields == nil {
			cur = Paragraph{Line: n, fields: map[string]field{}}
		}
		if prev, dup := cur.fields[key]; dup {
			return inputerr.At(path, n, 1, "field %s appears twice in one paragraph (first on line %d)", name, prev.line)
		}
		cur.fields[key] = field{name: name, value: strings.TrimSpace(value), line: n}
		cur.order = append(cur.order, key)
		last = key
	}
	if err := sc.Err(); err != nil {
		return inputerr.At(path, n+1, 0, "%v", err)
	}
	return flush()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
