package check

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/secrets"
)

// runScan returns the shell commands of a RUN instruction with their
// physical lines: shell form is re-read from the raw lines (so continued
// lines keep their own line numbers), heredoc scripts from their bodies,
// exec form as one argv.
func runScan(df *dockerfile, in instruction) shellScan {
	if in.JSON {
		if len(in.Args) == 3 && shells[base(in.Args[0])] && in.Args[1] == "-c" {
			return scanShell(in.Args[2], in.Start)
		}
		return shellScan{Cmds: []shellCmd{{Argv: in.Args, Line: in.Start}}}
	}
	if len(in.Heredocs) > 0 && len(in.Args) > 0 && strings.HasPrefix(strings.TrimSpace(in.Args[0]), "<<") {
		var s shellScan
		line := in.Start + 1
		for _, h := range in.Heredocs {
			hs := scanShell(h.Content, line)
			s.Cmds = append(s.Cmds, hs.Cmds...)
			s.PipeToShell = append(s.PipeToShell, hs.PipeToShell...)
			line += strings.Count(h.Content, "\n") + 1
		}
		return s
	}
	if df.Escape != '\\' || len(in.Heredocs) > 0 || in.End > len(df.Lines) || in.Start < 1 {
		if len(in.Args) == 0 {
			return shellScan{}
		}
		return scanShell(in.Args[0], in.Start)
	}
	script, ok := rawRunScript(df, in)
	if !ok {
		if len(in.Args) == 0 {
			return shellScan{}
		}
		return scanShell(in.Args[0], in.Start)
	}
	return scanShell(script, in.Start)
}

// rawRunScript returns the instruction's source lines with the RUN keyword
// and its flags blanked out (columns keep their place) and comment or empty
// lines inside the continuation turned into bare continuations.
// ok is false when the first line does not start with the RUN keyword (the
// parser allows odd layouts); callers then use the parser's joined text.
func rawRunScript(df *dockerfile, in instruction) (script string, ok bool) {
	lines := make([]string, 0, in.End-in.Start+1)
	for l := in.Start; l <= in.End; l++ {
		lines = append(lines, strings.TrimRight(df.Lines[l-1], " \t\r"))
	}
	first := lines[0]
	i := len(first) - len(strings.TrimLeft(first, " \t"))
	if len(first) < i+3 || !strings.EqualFold(first[i:i+3], "RUN") {
		return "", false
	}
	i += len("RUN")
	for {
		j := i
		for j < len(first) && (first[j] == ' ' || first[j] == '\t') {
			j++
		}
		if !strings.HasPrefix(first[j:], "--") {
			break
		}
		for j < len(first) && first[j] != ' ' && first[j] != '\t' {
			j++
		}
		i = j
	}
	if i > len(first) {
		i = len(first)
	}
	lines[0] = strings.Repeat(" ", i) + first[i:]
	for k := 1; k < len(lines)-1; k++ {
		if t := strings.TrimSpace(lines[k]); t == "" || strings.HasPrefix(t, "#") {
			lines[k] = `\`
		}
	}
	return strings.Join(lines, "\n"), true
}

// checkRun reports PW303, PW304 and PW305 for one RUN instruction, and
// PW401 for credentials written into its commands.
func checkRun(p *project, df *dockerfile, in instruction, env map[string]string, r *Report) {
	s := runScan(df, in)
	for _, d := range s.PipeToShell {
		f := addAt(r, "PW305", df.File, in, d.Line, "%s output is executed by a shell without verification", strings.Join(d.Argv, " "))
		f.Column = d.Col
	}
	for _, c := range s.Cmds {
		if what, ok := secrets.Value(strings.Join(c.Argv, " ")); ok {
			f := addAt(r, "PW401", df.File, in, c.Line, "RUN %s … contains what looks like %s: it is stored in the image history", c.Argv[0], what)
			f.Severity, f.Column = SeverityCritical, c.Col
		}
		inst, ok := parseInstall(p, c.Argv, env)
		if !ok || inst.Locked {
			continue
		}
		var f *Finding
		if inst.OS {
			f = addAt(r, "PW304", df.File, in, c.Line, "%s install without versions: %s", inst.Tool, strings.Join(inst.Unpinned, ", "))
		} else {
			f = addAt(r, "PW303", df.File, in, c.Line, "%s %s", inst.Tool, inst.Why)
		}
		f.Column = c.Col
	}
}
