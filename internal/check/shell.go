package check

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// shellCmd is one simple command found in a shell fragment.
type shellCmd struct {
	Argv      []string
	Line, Col int // absolute, 1-based
}

// shellScan is what the rules need from a shell fragment.
type shellScan struct {
	Cmds []shellCmd
	// PipeToShell are downloader commands (curl, wget) whose output is
	// executed by a shell or interpreter.
	PipeToShell []shellCmd
}

var shells = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ash": true, "ksh": true,
	"python": true, "python3": true, "perl": true, "ruby": true, "node": true}

var downloaders = map[string]bool{"curl": true, "wget": true, "fetch": true}

// scanShell parses src (whose first line is line firstLine of its file; col
// offsets are preserved) and lists its commands. When src is not valid
// shell, it falls back to a word split so no command goes unseen.
func scanShell(src string, firstLine int) shellScan {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		return scanShellFallback(src, firstLine)
	}
	var s shellScan
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				return true
			}
			c := shellCmd{Line: int(n.Pos().Line()) + firstLine - 1, Col: int(n.Pos().Col())}
			for _, w := range n.Args {
				c.Argv = append(c.Argv, wordString(w))
			}
			s.Cmds = append(s.Cmds, c)
			// sh -c "$(curl …)" and bash <(curl …)
			if argv := unwrap(c.Argv); len(argv) > 0 && shells[base(argv[0])] {
				for _, w := range n.Args[1:] {
					if d, ok := firstDownloader(w, firstLine); ok {
						s.PipeToShell = append(s.PipeToShell, d)
					}
				}
			}
		case *syntax.BinaryCmd:
			if n.Op != syntax.Pipe && n.Op != syntax.PipeAll {
				return true
			}
			if d, ok := firstDownloader(n.X, firstLine); ok && startsWithShell(n.Y) {
				s.PipeToShell = append(s.PipeToShell, d)
			}
		}
		return true
	})
	return s
}

// firstDownloader finds a curl/wget call inside n.
func firstDownloader(n syntax.Node, firstLine int) (shellCmd, bool) {
	var found shellCmd
	ok := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if ok {
			return false
		}
		if call, isCall := n.(*syntax.CallExpr); isCall && len(call.Args) > 0 {
			argv := make([]string, 0, len(call.Args))
			for _, w := range call.Args {
				argv = append(argv, wordString(w))
			}
			if u := unwrap(argv); len(u) > 0 && downloaders[base(u[0])] {
				found = shellCmd{Argv: argv, Line: int(call.Pos().Line()) + firstLine - 1, Col: int(call.Pos().Col())}
				ok = true
			}
		}
		return true
	})
	return found, ok
}

// startsWithShell reports whether the command n starts by running a shell.
func startsWithShell(n syntax.Node) bool {
	var first []string
	syntax.Walk(n, func(n syntax.Node) bool {
		if first != nil {
			return false
		}
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			for _, w := range call.Args {
				first = append(first, wordString(w))
			}
			return false
		}
		return true
	})
	u := unwrap(first)
	return len(u) > 0 && shells[base(u[0])]
}

// wordString renders a shell word: literals and quotes as their text,
// parameter expansions as $NAME, anything else as "?".
func wordString(w *syntax.Word) string {
	var b strings.Builder
	var parts func([]syntax.WordPart)
	parts = func(ps []syntax.WordPart) {
		for _, p := range ps {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				parts(p.Parts)
			case *syntax.ParamExp:
				if p.Param != nil {
					b.WriteString("$" + p.Param.Value)
				}
			default:
				b.WriteString("?")
			}
		}
	}
	parts(w.Parts)
	return b.String()
}

var fallbackSplit = regexp.MustCompile(`&&|\|\||;|\n`)

// scanShellFallback splits src on command separators and pipes.
func scanShellFallback(src string, firstLine int) shellScan {
	var s shellScan
	offset := 0
	for _, seg := range fallbackSplit.Split(src, -1) {
		line := firstLine + strings.Count(src[:offset], "\n")
		offset += len(seg)
		if offset < len(src) {
			offset += len(fallbackSplit.FindString(src[offset:]))
		}
		var prev []string
		for i, part := range strings.Split(seg, "|") {
			argv := strings.Fields(strings.ReplaceAll(part, `\`, " "))
			if len(argv) == 0 {
				continue
			}
			s.Cmds = append(s.Cmds, shellCmd{Argv: argv, Line: line})
			if u, p := unwrap(argv), unwrap(prev); i > 0 && len(u) > 0 && len(p) > 0 && shells[base(u[0])] && downloaders[base(p[0])] {
				s.PipeToShell = append(s.PipeToShell, shellCmd{Argv: prev, Line: line})
			}
			prev = argv
		}
	}
	return s
}

// unwrap drops command prefixes that run another command: sudo, env
// (with its VAR=value words), nice, nohup, exec, time, command.
func unwrap(argv []string) []string {
	for len(argv) > 0 {
		switch base(argv[0]) {
		case "gosu", "su-exec": // gosu USER cmd…
			argv = argv[min(2, len(argv)):]
		case "sudo", "nice", "nohup", "exec", "time", "command":
			argv = argv[1:]
			for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
				argv = argv[1:]
			}
		case "env":
			argv = argv[1:]
			for len(argv) > 0 && (strings.HasPrefix(argv[0], "-") || strings.Contains(argv[0], "=")) {
				argv = argv[1:]
			}
		default:
			return argv
		}
	}
	return argv
}

func base(s string) string { return path.Base(s) }
