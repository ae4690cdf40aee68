package check

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Limits on shell fragments (RUN, ENTRYPOINT, CMD, entrypoint scripts).
// The shell parser recurses once per nesting level and per command of an
// &&, || or | chain, so both are bounded before a fragment is parsed: a
// hostile file gets an input error at its line, not a Go stack overflow.
const (
	maxShellDepth = 200    // nested (…), {…}, $(…), "…$(…)…", if/case/while/until/for/select
	maxShellChain = 10_000 // commands joined by &&, || or | on one path through the nesting
)

var shellOpeners = map[string]bool{"if": true, "case": true, "while": true, "until": true, "for": true, "select": true}
var shellClosers = map[string]bool{"fi": true, "esac": true, "done": true}

// shellCtx is one open construct: a parenthesis (subshell, $(…), arithmetic),
// a brace (group, ${…}) or a double-quoted string; chain is the chain count
// when it opened, which a ; or newline inside it returns to.
type shellCtx struct {
	kind  byte // '(', '{' or '"'
	chain int
}

// shellLimit checks src, whose first line is line firstLine of file, in one
// linear pass. It tracks quoting so parentheses cannot hide in strings, and
// counts rather than parses keywords, so it errs towards counting more.
func shellLimit(file, src string, firstLine int) error {
	var stack []shellCtx
	kw, chain, line := 0, 0, firstLine
	afterOp, wordStart := false, true
	open := func(kind byte) error {
		stack = append(stack, shellCtx{kind, chain})
		if len(stack)+kw > maxShellDepth {
			return inputerr.At(file, line, 0, "shell nesting deeper than %d levels", maxShellDepth)
		}
		return nil
	}
	closeCtx := func(kind byte) {
		if n := len(stack); n > 0 && stack[n-1].kind == kind {
			stack = stack[:n-1]
		}
	}
	restart := func() { // a new command list entry: the chain starts over
		chain = 0
		if n := len(stack); n > 0 {
			chain = stack[n-1].chain
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\n' {
			line++
		}
		inQuotes := len(stack) > 0 && stack[len(stack)-1].kind == '"'
		var err error
		switch {
		case c == '\\' && i+1 < len(src):
			if src[i+1] == '\n' {
				line++
			}
			i++
		case inQuotes && c == '"':
			closeCtx('"')
		case inQuotes && c == '$' && i+1 < len(src) && (src[i+1] == '(' || src[i+1] == '{'):
			i++
			err = open(src[i])
		case inQuotes:
		case c == '\'':
			for i++; i < len(src) && src[i] != '\''; i++ {
				if src[i] == '\n' {
					line++
				}
			}
		case c == '"' || c == '(' || c == '{':
			err = open(c)
		case c == ')':
			closeCtx('(')
		case c == '}':
			closeCtx('{')
		case c == '#' && wordStart:
			if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
				i += j - 1
			} else {
				i = len(src)
			}
		case c == '|' || (c == '&' && i+1 < len(src) && src[i+1] == '&'):
			if i+1 < len(src) && src[i+1] == c {
				i++
			}
			if chain++; chain > maxShellChain {
				return inputerr.At(file, line, 0, "more than %d commands joined by &&, || or | in one chain", maxShellChain)
			}
			afterOp, wordStart = true, true
			continue
		case c == ';' || (c == '\n' && !afterOp):
			restart()
		case isWordByte(c) && wordStart:
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			if w := src[i:j]; shellOpeners[w] {
				kw++
				if len(stack)+kw > maxShellDepth {
					return inputerr.At(file, line, 0, "shell nesting deeper than %d levels", maxShellDepth)
				}
			} else if shellClosers[w] && kw > 0 {
				kw--
			}
			i = j - 1
		}
		if err != nil {
			return err
		}
		if c != ' ' && c != '\t' && c != '\n' {
			afterOp = false
		}
		wordStart = strings.IndexByte(" \t\n;&|(){}", c) >= 0
	}
	return nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// instrShellLimit checks the shell of a RUN, ENTRYPOINT or CMD instruction:
// its physical lines, heredoc bodies included.
func instrShellLimit(df *dockerfile, in instruction) error {
	if in.Start < 1 || in.End > len(df.Lines) || in.End < in.Start {
		return nil
	}
	return shellLimit(df.File, strings.Join(df.Lines[in.Start-1:in.End], "\n"), in.Start)
}
