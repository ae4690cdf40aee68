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
// shell, it falls back to a word split so no command goes unseen. Callers
// bound src with shellLimit first; the walk is linear in the tree: chains
// of &&, || and | are flattened, not walked once per operator.
func scanShell(src string, firstLine int) shellScan {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		return scanShellFallback(src, firstLine)
	}
	var s shellScan
	var visit func(n syntax.Node) bool
	visit = func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				return true
			}
			c := callCmd(n, firstLine)
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
			operands, ops := flattenChain(n)
			var downloader *shellCmd // the first curl/wget of the current pipeline
			for i, op := range operands {
				if i > 0 && ops[i-1] != syntax.Pipe && ops[i-1] != syntax.PipeAll {
					downloader = nil // && or || ends the pipeline
				}
				before := len(s.Cmds)
				syntax.Walk(op, visit)
				if downloader != nil && len(s.Cmds) > before && shells[base(firstArg(unwrap(s.Cmds[before].Argv)))] {
					s.PipeToShell = append(s.PipeToShell, *downloader)
					downloader = nil
				}
				if downloader == nil && i+1 < len(operands) && (ops[i] == syntax.Pipe || ops[i] == syntax.PipeAll) {
					for j := before; j < len(s.Cmds); j++ {
						if u := unwrap(s.Cmds[j].Argv); len(u) > 0 && downloaders[base(u[0])] {
							d := s.Cmds[j]
							downloader = &d
							break
						}
					}
				}
			}
			return false
		}
		return true
	}
	syntax.Walk(f, visit)
	return s
}

// flattenChain lists the statements an &&, || and | chain joins, in order,
// and the operators between them, without recursion: chains are as long as
// the input allows.
func flattenChain(b *syntax.BinaryCmd) ([]*syntax.Stmt, []syntax.BinCmdOperator) {
	var operands []*syntax.Stmt
	var ops []syntax.BinCmdOperator
	type item struct {
		stmt *syntax.Stmt
		op   syntax.BinCmdOperator
	}
	stack := []item{{stmt: b.Y}, {op: b.Op}, {stmt: b.X}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case it.stmt == nil:
			ops = append(ops, it.op)
		case isChain(it.stmt):
			inner := it.stmt.Cmd.(*syntax.BinaryCmd)
			stack = append(stack, item{stmt: inner.Y}, item{op: inner.Op}, item{stmt: inner.X})
		default:
			operands = append(operands, it.stmt)
		}
	}
	return operands, ops
}

// isChain reports whether st is a bare binary command (no negation,
// redirects or background) that belongs to the chain around it.
func isChain(st *syntax.Stmt) bool {
	_, ok := st.Cmd.(*syntax.BinaryCmd)
	return ok && !st.Negated && !st.Background && len(st.Redirs) == 0
}

func callCmd(call *syntax.CallExpr, firstLine int) shellCmd {
	c := shellCmd{Line: int(call.Pos().Line()) + firstLine - 1, Col: int(call.Pos().Col())}
	for _, w := range call.Args {
		c.Argv = append(c.Argv, wordString(w))
	}
	return c
}

func firstArg(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	return argv[0]
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
			c := callCmd(call, firstLine)
			if u := unwrap(c.Argv); len(u) > 0 && downloaders[base(u[0])] {
				found, ok = c, true
			}
		}
		return true
	})
	return found, ok
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
	offset, line, counted := 0, firstLine, 0
	for _, seg := range fallbackSplit.Split(src, -1) {
		line += strings.Count(src[counted:offset], "\n") // each byte counted once
		counted = offset
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
