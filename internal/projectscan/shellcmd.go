package projectscan

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// shellLine is a shell command line (a Dockerfile shell form, a Procfile
// entry, a pdm script) turned into exec form where that is faithful.
type shellLine struct {
	argv []string
	// needsShell is true when the line uses what only a shell does
	// (&&, ;, |, redirections, $(…), globs in quotes aside); argv is then
	// ["/bin/sh", "-c", line].
	needsShell bool
	// unset are variables the line reads bare ($X, ${X}) that nothing
	// sets: they come from the run-time environment.
	unset []string
}

var varRefRE = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-=?+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))`)

// splitShell turns line into exec form, expanding variables from env the
// way sh would. Variables env lacks are listed in unset and expanded from
// runtime (which init fills for PORT); a ${X:-default} keeps its default.
func splitShell(line string, env map[string]string, runtime map[string]string) shellLine {
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, "exec "); ok {
		line = strings.TrimSpace(rest)
	}
	var sl shellLine
	seen := map[string]bool{}
	for _, m := range varRefRE.FindAllStringSubmatch(line, -1) {
		name := m[1] + m[3]
		if _, ok := env[name]; ok || m[2] != "" || seen[name] {
			continue
		}
		seen[name] = true
		sl.unset = append(sl.unset, name)
	}
	if needsShell(line) {
		sl.needsShell = true
		sl.argv = []string{"/bin/sh", "-c", line}
		return sl
	}
	all := map[string]string{}
	for k, v := range env {
		all[k] = v
	}
	for k, v := range runtime {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	raw, ok := rawWords(line)
	lex := shell.NewLex('\\')
	for _, w := range raw {
		word, _, err := lex.ProcessWord(w, mapEnv(all))
		if err != nil {
			ok = false
			break
		}
		sl.argv = append(sl.argv, word)
	}
	if !ok || len(sl.argv) == 0 {
		sl.needsShell = true
		sl.argv = []string{"/bin/sh", "-c", line}
	}
	return sl
}

// rawWords splits line into shell words at unquoted blanks, keeping quotes
// and escapes for the lexer to read word by word (BuildKit's ProcessWords
// drops the text before a ${VAR:-default}). ok is false for an unclosed
// quote or a trailing backslash.
func rawWords(line string) (words []string, ok bool) {
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' && i+1 < len(line) {
				cur.WriteByte(c)
				i++
				c = line[i]
			} else if c == quote {
				quote = 0
			}
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		case c == '\\':
			if i+1 == len(line) {
				return nil, false
			}
			cur.WriteByte(c)
			i++
			c = line[i]
		case c == '\'' || c == '"':
			quote = c
		}
		cur.WriteByte(c)
		inWord = true
	}
	if quote != 0 {
		return nil, false
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, true
}

// needsShell reports whether line uses shell syntax beyond words, quotes
// and variables: operators, redirections, command substitution, globbing,
// comments, assignments before the command.
func needsShell(line string) bool {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\':
			i++
		case quote == '"':
			if c == '"' {
				quote = 0
			} else if c == '`' || c == '$' && i+1 < len(line) && line[i+1] == '(' {
				return true
			}
		case c == '\'' || c == '"':
			quote = c
		case strings.IndexByte("&;|<>`()*?[#~", c) >= 0:
			if c == '#' && i > 0 && line[i-1] != ' ' {
				continue
			}
			return true
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			return true
		}
	}
	first, _, _ := strings.Cut(line, " ")
	return strings.Contains(first, "=") && !strings.HasPrefix(first, "-")
}
